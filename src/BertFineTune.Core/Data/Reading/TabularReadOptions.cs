namespace BertFineTune.Data.Reading;

/// <summary>How to read one file; every option may be left null.</summary>
/// <param name="Sheet">XLSX: the worksheet name; null means the first sheet.</param>
/// <param name="Delimiter">CSV: the delimiter; null means detect among <c>,</c> <c>;</c> tab <c>|</c> (TSV is always tab).</param>
/// <param name="Encoding">Text formats: an encoding name such as <c>utf-8</c>, <c>latin1</c>, <c>windows-1252</c>; null means UTF-8. A byte order mark wins.</param>
/// <param name="ListSeparator">JSONL: an array value becomes its items joined with this text (so a JSON list of labels reads as a multi-label cell).</param>
/// <param name="Limits">The most text one field and one row may hold; null means <see cref="ReadLimits.Default"/>.</param>
public sealed record TabularReadOptions(
    string? Sheet = null,
    string? Delimiter = null,
    string? Encoding = null,
    string ListSeparator = "|",
    ReadLimits? Limits = null)
{
    public static TabularReadOptions Default { get; } = new();

    /// <summary>The limits in force: <see cref="Limits"/>, or the defaults.</summary>
    public ReadLimits EffectiveLimits => Limits ?? ReadLimits.Default;
}
