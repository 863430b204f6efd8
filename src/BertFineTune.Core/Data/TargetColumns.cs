namespace BertFineTune.Data;

/// <summary><c>training.target_columns</c>: the names every dataset's columns are renamed to (and written under).</summary>
/// <param name="TextColumn"><c>text_column</c>, default <c>text</c>.</param>
/// <param name="LabelColumn"><c>label_column</c>, default <c>labels</c>.</param>
public sealed record TargetColumns(string TextColumn = "text", string LabelColumn = "labels")
{
    public static TargetColumns Default { get; } = new();

    /// <summary>The extra column that records which file a row came from.</summary>
    public const string SourceColumn = "source";
}
