using BertFineTune.Text.Preprocessing;

namespace BertFineTune.Data;

/// <summary>Everything the data pipeline needs, mirroring the config keys one to one.</summary>
/// <param name="Datasets"><c>dataset[]</c>, merged in this order.</param>
/// <param name="BaseDirectory">The config file's folder: relative <c>filepath</c>s (data and normalization) resolve against it.</param>
/// <param name="Preprocessing"><c>preprocessing</c>.</param>
/// <param name="Split"><c>training.split_ratio</c>, <c>seed</c>, <c>drop_duplicates</c>.</param>
/// <param name="Labels"><c>problem_type</c>, <c>label_delimiter</c>.</param>
/// <param name="Target"><c>training.target_columns</c>.</param>
public sealed record DataPipelineOptions(
    IReadOnlyList<DatasetSource> Datasets,
    string BaseDirectory,
    PreprocessingOptions? Preprocessing = null,
    SplitOptions? Split = null,
    LabelOptions? Labels = null,
    TargetColumns? Target = null)
{
    public PreprocessingOptions PreprocessingOrDefault => Preprocessing ?? PreprocessingOptions.None;

    public SplitOptions SplitOrDefault => Split ?? SplitOptions.Default;

    public LabelOptions LabelsOrDefault => Labels ?? LabelOptions.Default;

    public TargetColumns TargetOrDefault => Target ?? TargetColumns.Default;
}
