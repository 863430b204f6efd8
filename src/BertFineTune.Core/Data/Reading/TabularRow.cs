namespace BertFineTune.Data.Reading;

/// <summary>One data row: its values in <see cref="ITabularReader.Columns"/> order, and where it starts in the file.</summary>
/// <param name="Line">1-based line of the row's first character (CSV, TSV, JSONL) or its sheet row number (XLSX).</param>
/// <param name="Values">The cell texts; never null, empty when the cell is empty.</param>
public sealed record TabularRow(int Line, IReadOnlyList<string> Values)
{
    public string this[int column] => Values[column];
}
