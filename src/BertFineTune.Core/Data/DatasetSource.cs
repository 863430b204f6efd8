namespace BertFineTune.Data;

/// <summary>One <c>dataset[]</c> entry of the config: a file and the two columns to take from it.</summary>
/// <param name="FilePath"><c>filepath</c>: relative to <see cref="DataPipelineOptions.BaseDirectory"/> unless absolute.</param>
/// <param name="TextColumn"><c>text_column</c>: the header name of the text column.</param>
/// <param name="LabelColumn"><c>label_column</c>: the header name of the label column.</param>
/// <param name="Sheet"><c>sheet</c>: the XLSX worksheet name; null means the first sheet.</param>
/// <param name="Delimiter"><c>delimiter</c>: the CSV delimiter; null means detect among <c>,</c> <c>;</c> tab <c>|</c>.</param>
/// <param name="Encoding"><c>encoding</c>: a .NET/IANA encoding name; null means UTF-8 (a BOM, if any, wins).</param>
/// <param name="LabelMap"><c>label_map</c>: rewrites raw labels (trimmed) before merging; labels not in the map pass unchanged.</param>
/// <param name="Where">Where this entry sits in the config, so errors can point at it.</param>
public sealed record DatasetSource(
    string FilePath,
    string TextColumn,
    string LabelColumn,
    string? Sheet = null,
    string? Delimiter = null,
    string? Encoding = null,
    IReadOnlyDictionary<string, string>? LabelMap = null,
    ConfigLocation? Where = null);
