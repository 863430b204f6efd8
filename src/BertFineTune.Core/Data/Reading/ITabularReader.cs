namespace BertFineTune.Data.Reading;

/// <summary>
/// A table read row by row from a CSV, TSV, JSONL or XLSX file. Rows stream: only the current row is held,
/// so a file far larger than memory can be filtered as it is read. Open one with <see cref="TabularReader.OpenAsync"/>.
/// </summary>
public interface ITabularReader : IDisposable
{
    /// <summary>The absolute path of the file being read.</summary>
    string FilePath { get; }

    TabularFormat Format { get; }

    /// <summary>The header names, in file order (trimmed). Every row has exactly this many values.</summary>
    IReadOnlyList<string> Columns { get; }

    /// <summary>The data rows after the header, each with the 1-based line (or sheet row) where it starts. Call once.</summary>
    IAsyncEnumerable<TabularRow> ReadRowsAsync(CancellationToken cancellationToken = default);
}
