using BertFineTune.Config;

namespace BertFineTune.Pipelines;

/// <summary>Where a run writes its files, all under <c>training.output_dir</c> (relative to the config file).</summary>
public sealed record OutputLayout(string Root)
{
    public static OutputLayout For(LoadedConfig loaded) => new(loaded.ResolvePath(loaded.Config.Training.OutputDir));

    /// <summary><c>data/</c>: the prepared splits, <c>labels.json</c>, <c>data_report.json</c>.</summary>
    public string Data => Path.Combine(Root, "data");

    /// <summary><c>model/</c>: the final (best, or else last) model in Hugging Face format.</summary>
    public string Model => Path.Combine(Root, "model");
}
