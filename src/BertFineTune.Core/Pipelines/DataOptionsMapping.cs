using BertFineTune.Config;
using BertFineTune.Data;
using BertFineTune.Models;
using BertFineTune.Text.Preprocessing;

namespace BertFineTune.Pipelines;

/// <summary>The YAML config's data-related keys, as the data pipeline's options (with YAML positions for its errors).</summary>
public static class DataOptionsMapping
{
    public static DataPipelineOptions ToDataPipelineOptions(this LoadedConfig loaded)
    {
        var config = loaded.Config;
        var datasets = config.Dataset.Select((entry, i) => new DatasetSource(
            entry.Filepath,
            entry.TextColumn,
            entry.LabelColumn,
            entry.Sheet,
            entry.Delimiter,
            entry.Encoding,
            entry.LabelMap,
            Where(loaded, $"dataset[{i}].filepath"))).ToList();

        var pre = config.Preprocessing;
        var preprocessing = new PreprocessingOptions(
            pre.Default.Lowercase,
            pre.Default.RemoveSymbols,
            pre.Default.RemoveNumbers,
            pre.Default.RemoveNewlines,
            pre.Normalization.Enabled,
            pre.Normalization.Filepath,
            pre.Advanced.RemoveMentions,
            pre.Advanced.RemoveRetweets,
            pre.Advanced.RemoveEmojis,
            pre.Advanced.RemoveUrls,
            Where(loaded, "preprocessing.normalization.filepath"));

        var training = config.Training;
        return new DataPipelineOptions(
            datasets,
            loaded.BaseDirectory,
            preprocessing,
            new SplitOptions(training.SplitRatio, config.Seed, training.DropDuplicates, Where(loaded, "training.split_ratio")),
            new LabelOptions(training.ProblemType.ToProblemType(), training.LabelDelimiter),
            new TargetColumns(training.TargetColumns.TextColumn, training.TargetColumns.LabelColumn));
    }

    /// <summary>The config's <c>problem_type</c> as the models' enum.</summary>
    public static ProblemType ToProblemType(this ProblemKind kind) => kind switch
    {
        ProblemKind.MultiLabelClassification => ProblemType.MultiLabelClassification,
        _ => ProblemType.SingleLabelClassification,
    };

    private static ConfigLocation Where(LoadedConfig loaded, string key)
    {
        var at = loaded.Sources.Locate(key);
        return new ConfigLocation(at.File, at.Line, at.Column, key);
    }
}
