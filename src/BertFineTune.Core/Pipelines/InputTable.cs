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
    public static Task<InputTable> ReadAsync(string path, string textColumn, string? labelColumn, TextReader stdin, CancellationToken cancellationToken, string? textPairColumn = null) =>
        ReadAsync(path, textColumn, labelColumn, () => new MemoryStream(new System.Text.UTF8Encoding(false).GetBytes(stdin.ReadToEnd())), cancellationToken, textPairColumn);

    /// <summary>
    /// Reads <paramref name="path"/>; <c>-</c> reads the raw bytes of <paramref name="stdin"/>, which get the same checks
    /// as a file (UTF-8, BFT106; size limits), and errors name <c>&lt;stdin&gt;</c>, never the staging file.
    /// </summary>
    public static async Task<InputTable> ReadAsync(string path, string textColumn, string? labelColumn, Func<Stream> stdin, CancellationToken cancellationToken, string? textPairColumn = null)
    {
        string? temp = null;
        var shownPath = path == "-" ? StdinName : path;
        try
        {
            if (path == "-")
            {
                // The readers need a file (XLSX and encoding detection seek); stdin is staged as bytes, never decoded here.
                temp = await StageAsync(stdin, cancellationToken);
            }
            else if (!File.Exists(path) && TabularReader.NotRegularFile(Path.GetFullPath(path)) is null)
            {
                throw new UserErrorException("BFT420", $"The input file was not found (looked at {Path.GetFullPath(path)}).", path);
            }

            using var reader = await TabularReader.OpenAsync(temp ?? path, TabularReadOptions.Default, cancellationToken);
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
        catch (UserErrorException e) when (temp is not null)
        {
            // The staging file is ours, not the user's: say <stdin> wherever an error names it.
            throw new UserErrorException(e.Errors.Select(error => error.File is not null && Path.GetFullPath(error.File) == temp ? error with { File = StdinName } : error).ToList());
        }
        finally
        {
            if (temp is not null)
            {
                File.Delete(temp);
            }
        }
    }

    private const string StdinName = "<stdin>";

    /// <summary>Copies standard input to a temp file, named .jsonl when its first non-blank byte opens a JSON object.</summary>
    private static async Task<string> StageAsync(Func<Stream> stdin, CancellationToken cancellationToken)
    {
        var staged = Path.Combine(Path.GetTempPath(), $"bertft-stdin-{Guid.NewGuid():N}.tmp");
        long length;
        int first = -1;
        await using (var input = stdin())
        await using (var file = new FileStream(staged, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous))
        {
            var buffer = new byte[1 << 16];
            int read;
            while ((read = await input.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (first < 0)
                {
                    // Skip a UTF-8 BOM and whitespace to find what the data starts with.
                    var start = buffer.AsSpan(0, read).StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
                    var content = buffer.AsSpan(start, read - start).TrimStart(" \t\r\n"u8);
                    first = content.IsEmpty ? -1 : content[0];
                }

                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            length = file.Length;
        }

        if (length == 0 || first < 0)
        {
            File.Delete(staged);
            throw new UserErrorException(new UserError(
                DataErrorCodes.EmptyFile,
                "Standard input is empty: --input - reads CSV (a header row, then one row per text) or JSON lines from it. Pipe the data in, or give a file.",
                StdinName));
        }

        var named = Path.ChangeExtension(staged, first == '{' ? ".jsonl" : ".csv");
        File.Move(staged, named);
        return named;
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
