namespace BertFineTune.Data;

/// <summary>How the merged rows are split into train, validation and (optionally) test.</summary>
/// <param name="Ratios"><c>training.split_ratio</c>: [train, validation] or [train, validation, test]; must sum to 1. A zero or missing test ratio means no test split.</param>
/// <param name="Seed"><c>seed</c>: the same seed gives the same split on every run and machine.</param>
/// <param name="DropDuplicates"><c>drop_duplicates</c>: remove rows whose (preprocessed) text and label equal an earlier row's, before splitting.</param>
/// <param name="Where">Where <c>split_ratio</c> sits in the config, for errors.</param>
public sealed record SplitOptions(
    IReadOnlyList<double> Ratios,
    int Seed = 42,
    bool DropDuplicates = false,
    ConfigLocation? Where = null)
{
    /// <summary>The original pipeline's default, 80/10/10.</summary>
    public static SplitOptions Default { get; } = new([0.8, 0.1, 0.1]);
}
