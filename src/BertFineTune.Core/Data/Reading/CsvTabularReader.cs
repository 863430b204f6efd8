using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using BertFineTune.Diagnostics;
using CsvHelper;
using CsvHelper.Configuration;

namespace BertFineTune.Data.Reading;

/// <summary>
/// RFC 4180 CSV/TSV through CsvHelper's parser: quoted fields may span lines, <c>""</c> is a quote, a BOM is
/// honoured. Rows stream one at a time. Every row must have as many fields as the header.
/// </summary>
internal sealed class CsvTabularReader : ITabularReader
{
    private const int SampleChars = 1 << 16;

    private readonly BoundedRecordReader _text;
    private readonly CsvParser _parser;
    private readonly ReadLimits _limits;
    private readonly Encoding _encoding;
    private readonly char _delimiter;
    private readonly BadDataFlag _badQuotedField;
    private int _lastRawRow;

    private CsvTabularReader(string path, TabularFormat format, BoundedRecordReader text, CsvParser parser, Encoding encoding, char delimiter, BadDataFlag badQuotedField, ReadLimits limits)
    {
        _limits = limits;
        _badQuotedField = badQuotedField;
        FilePath = path;
        Format = format;
        _text = text;
        _parser = parser;
        _encoding = encoding;
        _delimiter = delimiter;
    }

    public string FilePath { get; }

    public TabularFormat Format { get; }

    public IReadOnlyList<string> Columns { get; private set; } = [];

    public static async Task<ITabularReader> OpenAsync(string path, TabularFormat format, TabularReadOptions options, CancellationToken cancellationToken)
    {
        var encoding = TextEncodings.Strict(options.Encoding, path);
        var delimiter = format == TabularFormat.Tsv ? '\t' : await ChooseDelimiterAsync(path, encoding, options.Delimiter, cancellationToken);
        var limits = options.EffectiveLimits;
        // The parser buffers a whole record; the bounded reader stops it at MaxLineChars, MaxFieldSize at one field.
        var text = new BoundedRecordReader(TextEncodings.OpenReader(path, encoding), limits.MaxLineChars);
        var badQuotedField = new BadDataFlag();
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Delimiter = delimiter.ToString(),
            Mode = CsvMode.RFC4180,
            IgnoreBlankLines = true,
            // Lenient about stray quotes ("ab"c, x"y), as spreadsheet exports need; a bad field that opens with a quote may be
            // an unterminated one, which NextRecordAsync then checks.
            BadDataFound = args => badQuotedField.Seen |= args.Field.StartsWith('"'),
            CacheFields = false,
            MaxFieldSize = limits.MaxFieldChars,
        };
        var reader = new CsvTabularReader(path, format, text, new CsvParser(text, config), encoding, delimiter, badQuotedField, limits);
        try
        {
            await reader.ReadHeaderAsync();
            return reader;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    public async IAsyncEnumerable<TabularRow> ReadRowsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var record = await NextRecordAsync();
            if (record is null)
            {
                yield break;
            }

            var (line, values) = record.Value;
            if (values.Length != Columns.Count)
            {
                throw new UserErrorException(new UserError(
                    DataErrorCodes.RaggedRow,
                    $"This row has {values.Length} field{(values.Length == 1 ? string.Empty : "s")} but the header has {Columns.Count} ({Describe(_delimiter)}-separated); "
                    + "quote fields that contain the delimiter, or fix the row.",
                    FilePath,
                    line));
            }

            yield return new TabularRow(line, values);
        }
    }

    public void Dispose()
    {
        _parser.Dispose();
        _text.Dispose();
    }

    private async Task ReadHeaderAsync()
    {
        var header = await NextRecordAsync();
        if (header is null)
        {
            throw new UserErrorException(new UserError(
                DataErrorCodes.EmptyFile,
                "The file is empty: it has no header row. The first line must name the columns.",
                FilePath,
                1));
        }

        Columns = header.Value.Values.Select(name => name.Trim().Trim('\uFEFF')).ToArray();
    }

    private async Task<(int Line, string[] Values)?> NextRecordAsync()
    {
        bool more;
        try
        {
            more = await _parser.ReadAsync();
        }
        catch (DecoderFallbackException)
        {
            throw TextEncodings.Undecodable(FilePath, _encoding);
        }
        catch (MaxFieldSizeException)
        {
            throw TooLong(DataErrorCodes.FieldTooLong, $"A field in this row is longer than {_limits.MaxFieldChars.ToString("N0", CultureInfo.InvariantCulture)} characters, the most one cell may hold");
        }
        catch (RecordTooLongException)
        {
            throw TooLong(DataErrorCodes.LineTooLong, $"This row is longer than {_limits.MaxLineChars.ToString("N0", CultureInfo.InvariantCulture)} characters, the most one row may hold");
        }

        if (!more)
        {
            return null;
        }

        _text.RecordStart = _parser.CharCount;

        var line = _parser.RawRow;
        var values = _parser.Record ?? [];
        var previousEnd = _lastRawRow;
        _lastRawRow = _parser.RawRow;
        var suspect = _badQuotedField.Seen;
        _badQuotedField.Seen = false;
        if (_parser.RawRow > previousEnd + 1)
        {
            // The record spans lines, or blank lines were skipped before it. Its own line breaks are all inside quoted
            // fields, which keep them verbatim, so counting them in the values finds the first line without a raw copy.
            foreach (var value in values)
            {
                line -= LineBreaks(value);
            }
        }

        if (suspect && EndsInsideOpenQuote(_parser.RawRecord))
        {
            // At the end of the file the parser's line count runs one past; the field opened on the line after the previous record.
            line = previousEnd + 1;
            throw new UserErrorException(new UserError(
                DataErrorCodes.MalformedCsv,
                "A quoted field that starts in this row is never closed, so the rest of the file was read as one field; add the missing closing quote (\"), or double quotes inside quoted text (\"\").",
                FilePath,
                line));
        }

        return (line, values);
    }

    /// <summary>The row being read starts after the previous record; reading stopped at the limit, before the rest of the file.</summary>
    private UserErrorException TooLong(string code, string what) => new(new UserError(
        code,
        $"{what} (reading stopped there). A quote that is never closed makes the rest of the file one field: check the quotes in this row. "
        + "Otherwise split or shorten the text; a model reads only its first few hundred tokens.",
        FilePath,
        _lastRawRow + 1));

    private static int LineBreaks(ReadOnlySpan<char> text)
    {
        var count = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.Length || text[i + 1] != '\n')))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>True when the raw text of a record ends while a quote is still open: only an unterminated quote at the end of the file does that.</summary>
    private bool EndsInsideOpenQuote(string raw)
    {
        var state = QuoteState.FieldStart;
        foreach (var c in raw)
        {
            var separator = c == _delimiter || c is '\n' or '\r';
            state = state switch
            {
                QuoteState.FieldStart => c == '"' ? QuoteState.Quoted : separator ? QuoteState.FieldStart : QuoteState.Unquoted,
                QuoteState.Quoted => c == '"' ? QuoteState.AfterQuote : QuoteState.Quoted,
                QuoteState.AfterQuote => c == '"' ? QuoteState.Quoted : separator ? QuoteState.FieldStart : QuoteState.Unquoted,
                _ => separator ? QuoteState.FieldStart : QuoteState.Unquoted,
            };
        }

        return state == QuoteState.Quoted;
    }

    private static async Task<char> ChooseDelimiterAsync(string path, Encoding encoding, string? given, CancellationToken cancellationToken)
    {
        if (given is not null)
        {
            var unescaped = given switch
            {
                "\\t" or "tab" or "TAB" => "\t",
                _ => given,
            };
            if (unescaped.Length != 1 || unescaped[0] is '"' or '\n' or '\r')
            {
                throw new UserErrorException(
                    DataErrorCodes.InvalidDelimiter,
                    $"The delimiter '{given}' for '{path}' must be one character other than a quote or a newline, for example ',' ';' '|' or '\\t'.",
                    path);
            }

            return unescaped[0];
        }

        using var reader = TextEncodings.OpenReader(path, encoding);
        var buffer = new char[SampleChars];
        int read;
        try
        {
            read = await reader.ReadBlockAsync(buffer, cancellationToken);
        }
        catch (DecoderFallbackException)
        {
            throw TextEncodings.Undecodable(path, encoding);
        }

        return DelimiterDetector.Detect(buffer.AsSpan(0, read), sampleIsWholeFile: read < SampleChars);
    }

    private static string Describe(char delimiter) => delimiter switch
    {
        '\t' => "tab",
        _ => $"'{delimiter}'",
    };

    private sealed class BadDataFlag
    {
        public bool Seen { get; set; }
    }

    private enum QuoteState
    {
        FieldStart,
        Quoted,
        AfterQuote,
        Unquoted,
    }
}
