using BertFineTune.Config;
using BertFineTune.Diagnostics;
using BertFineTune.IO;

namespace BertFineTune.Pipelines;

/// <summary>Where a run writes its files, all under <c>training.output_dir</c> (relative to the config file).</summary>
public sealed record OutputLayout(string Root)
{
    public static OutputLayout For(LoadedConfig loaded) => new(loaded.ResolvePath(loaded.Config.Training.OutputDir));

    /// <summary>
    /// The layout, with <c>output_dir</c> created and proven writable first: a file in its place, a read-only or virtual
    /// file system (/proc, /sys) or an over-long name is a BFT041 error at the config line, before any slow work.
    /// </summary>
    public static OutputLayout ForWriting(LoadedConfig loaded)
    {
        var layout = For(loaded);
        if (OutputLocation.PrepareFolder(layout.Root) is string problem)
        {
            throw new UserErrorException(loaded.Sources.Error("training.output_dir", OutputErrorCodes.Unwritable, $"{problem}."));
        }

        return layout;
    }

    /// <summary><c>data/</c>: the prepared splits, <c>labels.json</c>, <c>data_report.json</c>.</summary>
    public string Data => Path.Combine(Root, "data");

    /// <summary><c>model/</c>: the final (best, or else last) model in Hugging Face format.</summary>
    public string Model => Path.Combine(Root, "model");
}
