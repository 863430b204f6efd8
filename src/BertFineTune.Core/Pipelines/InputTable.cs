using BertFineTune.Data;
using BertFineTune.Data.Reading;
using BertFineTune.Diagnostics;

namespace BertFineTune.Pipelines;

/// <summary>
/// A whole input file for <c>predict</c>/<c>evaluate</c>: every column of every row (they are written back out), plus
/// which column holds the text and, for evaluation, the gold label.
/// </summary>
public sealed record InputTable(string FilePath, IReadOnlyList<string> Columns, IReadOnlyList<TabularRow> Rows, int TextColumn, int? LabelColumn, int? TextPairColumn = null)
{
    public IReadOnlyList<string> Texts => Rows.Select(r => r[TextColumn]).ToList();

    /// <summary>The second segments (empty cells mean none), or null without a pair column.</summary>
    public IReadOnlyList<string?>? TextPairs => TextPairColumn is int pair ? Rows.Select(r => (string?)r[pair]).ToList() : null;

    /// <summary>Reads <paramref name="path"/> (CSV, TSV, JSONL, XLSX; <c>-</c> is standard input, CSV or JSON lines).</summary>
    public static async Task<InputTable> ReadAsync(string path, string textColumn, string? labelColumn, TextReader stdin, CancellationToken cancellationToken, string? textPairColumn = null)
    {
        string? temp = null;
        try
        {
            if (path == "-")
            {
                // The readers need a file (XLSX and encoding detection seek); stdin is small enough to stage.
                var content = await stdin.ReadToEndAsync(cancellationToken);
                temp = Path.Combine(Path.GetTempPath(), $"bertft-stdin-{Guid.NewGuid():N}{(content.TrimStart().StartsWith('{') ? ".jsonl" : ".csv")}");
                await File.WriteAllTextAsync(temp, content, cancellationToken);
            }
            else if (!File.Exists(path))
            {
                throw new UserErrorException("BFT420", $"The input file was not found (looked at {Path.GetFullPath(path)}).", path);
            }

            using var reader = await TabularReader.OpenAsync(temp ?? path, TabularReadOptions.Default, cancellationToken);
            var shownPath = temp is null ? path : "<stdin>";
            var text = ColumnIndex(reader.Columns, textColumn, "--text-column", shownPath);
            int? label = labelColumn is null ? null : ColumnIndex(reader.Columns, labelColumn, "--label-column", shownPath);
            int? pair = textPairColumn is null ? null : ColumnIndex(reader.Columns, textPairColumn, "--text-pair-column", shownPath);
            var rows = new List<TabularRow>();
            await foreach (var row in reader.ReadRowsAsync(cancellationToken))
            {
                rows.Add(row);
            }

            return new InputTable(shownPath, reader.Columns, rows, text, label, pair);
        }
        finally
        {
            if (temp is not null)
            {
                File.Delete(temp);
            }
        }
    }

    private static int ColumnIndex(IReadOnlyList<string> columns, string name, string option, string path)
    {
        var index = columns.ToList().IndexOf(name);
        if (index >= 0)
        {
            return index;
        }

        var closest = Closest.Match(name, columns);
        throw new UserErrorException(
            "BFT421",
            $"There is no column '{name}'. Available columns: {string.Join(", ", columns)}.{(closest is null ? string.Empty : $" Did you mean '{closest}'?")} Choose one with {option}.",
            path);
    }
}
