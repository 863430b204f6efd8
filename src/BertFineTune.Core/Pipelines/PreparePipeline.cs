using BertFineTune.Config;
using BertFineTune.Data;
using BertFineTune.Data.Output;

namespace BertFineTune.Pipelines;

/// <summary>The result of <c>bertft prepare</c>: the prepared data and the files written.</summary>
public sealed record PrepareResult(PreparedData Data, IReadOnlyList<string> Files);

/// <summary><c>bertft prepare</c>: runs the data pipeline alone and writes <c>&lt;output_dir&gt;/data/</c>.</summary>
public static class PreparePipeline
{
    public static async Task<PrepareResult> RunAsync(LoadedConfig loaded, IProgress<DataProgress>? progress, CancellationToken cancellationToken)
    {
        var output = OutputLayout.ForWriting(loaded);
        var options = loaded.ToDataPipelineOptions();
        var data = await DataPipeline.PrepareAsync(options, progress, cancellationToken);
        var files = await PreparedDataWriter.WriteAsync(data, output.Data, options, cancellationToken);
        return new PrepareResult(data, files);
    }
}
