using BertFineTune.Diagnostics;

namespace BertFineTune.Data;

/// <summary>
/// What the data pipeline did, for <c>data_report.json</c> and the console table. The counts add up:
/// <see cref="RowsRead"/> = <see cref="RowsKept"/> + <see cref="Dropped"/>.Total, and <see cref="RowsKept"/> is the sum of the splits' rows.
/// </summary>
/// <param name="Sources">One entry per <c>dataset[]</c> entry, in config order.</param>
/// <param name="RowsRead">Data rows read from all files (headers and blank rows not counted).</param>
/// <param name="RowsKept">Rows that reached the splits.</param>
/// <param name="Dropped">Rows dropped, by reason, over all files.</param>
/// <param name="Labels">The label names in id order.</param>
/// <param name="Splits">train, validation and (when its ratio is above zero) test.</param>
/// <param name="TextsInMultipleSplits">Distinct texts found in more than one split (leakage between train and evaluation).</param>
/// <param name="Warnings">Warnings raised while preparing (rare classes, ...).</param>
/// <param name="TokenLengths">Token-length statistics per split; filled in later by the tokenizer stage (null until then).</param>
public sealed record DataReport(
    IReadOnlyList<SourceReport> Sources,
    int RowsRead,
    int RowsKept,
    DropCounts Dropped,
    IReadOnlyList<string> Labels,
    IReadOnlyList<SplitReport> Splits,
    int TextsInMultipleSplits,
    IReadOnlyList<UserError> Warnings,
    IReadOnlyDictionary<string, LengthStats>? TokenLengths = null);

/// <summary>What one file contributed.</summary>
/// <param name="Source">The file name (the <c>source</c> column of the outputs).</param>
/// <param name="Path">The absolute path read.</param>
/// <param name="RowsRead">Data rows read.</param>
/// <param name="RowsKept">Rows that reached the splits.</param>
/// <param name="Dropped">Rows dropped, by reason.</param>
public sealed record SourceReport(string Source, string Path, int RowsRead, int RowsKept, DropCounts Dropped);

/// <summary>One split's size, per-class counts (label name → examples carrying it) and text lengths.</summary>
public sealed record SplitReport(string Name, int Rows, IReadOnlyDictionary<string, int> ClassCounts, LengthStats Characters, LengthStats Words);
