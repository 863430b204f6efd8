using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using BertFineTune.Diagnostics;

namespace BertFineTune.Data.Reading;

/// <summary>
/// JSON Lines: one object per line, blank lines skipped. The first object's keys are the columns; a later object
/// without one of them has an empty cell there, and keys the first object lacks are ignored. Strings arrive as they
/// are, numbers as written, booleans as <c>true</c>/<c>false</c>, null as empty, arrays as their items joined with
/// <see cref="TabularReadOptions.ListSeparator"/>, and nested objects as their JSON text.
/// </summary>
internal sealed class JsonLinesTabularReader : ITabularReader
{
    private readonly StreamReader _text;
    private readonly Encoding _encoding;
    private readonly string _listSeparator;
    private readonly int _maxLineChars;
    private readonly char[] _buffer = new char[1 << 16];
    private int _position;
    private int _length;
    private bool _skipLineFeed;
    private (int Line, string Json)? _first;
    private int _lineNumber;

    private JsonLinesTabularReader(string path, StreamReader text, Encoding encoding, string listSeparator, int maxLineChars)
    {
        _maxLineChars = maxLineChars;
        FilePath = path;
        _text = text;
        _encoding = encoding;
        _listSeparator = listSeparator;
    }

    public string FilePath { get; }

    public TabularFormat Format => TabularFormat.JsonLines;

    public IReadOnlyList<string> Columns { get; private set; } = [];

    public static async Task<ITabularReader> OpenAsync(string path, TabularReadOptions options, CancellationToken cancellationToken)
    {
        var encoding = TextEncodings.Strict(options.Encoding, path);
        var reader = new JsonLinesTabularReader(path, TextEncodings.OpenReader(path, encoding), encoding, options.ListSeparator, options.EffectiveLimits.MaxLineChars);
        try
        {
            var first = await reader.NextLineAsync(cancellationToken)
                ?? throw new UserErrorException(new UserError(
                    DataErrorCodes.EmptyFile,
                    "The file is empty: a JSON Lines file needs one JSON object per line, and the first object's keys name the columns.",
                    path,
                    1));
            using var document = reader.Parse(first.Line, first.Json);
            try
            {
                reader.Columns = document.RootElement.EnumerateObject().Select(p => p.Name).Distinct(StringComparer.Ordinal).ToArray();
            }
            catch (InvalidOperationException)
            {
                throw new UserErrorException(new UserError(
                    DataErrorCodes.InvalidJsonLine,
                    "A key of the first object holds a \\u escape that is half of a UTF-16 surrogate pair, which is not text; fix the key.",
                    path,
                    first.Line));
            }

            reader._first = first;
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
        if (_first is { } first)
        {
            _first = null;
            yield return ToRow(first.Line, first.Json);
        }

        while (await NextLineAsync(cancellationToken) is { } next)
        {
            yield return ToRow(next.Line, next.Json);
        }
    }

    public void Dispose() => _text.Dispose();

    private TabularRow ToRow(int line, string json)
    {
        using var document = Parse(line, json);
        var values = new string[Columns.Count];
        for (var i = 0; i < values.Length; i++)
        {
            try
            {
                values[i] = document.RootElement.TryGetProperty(Columns[i], out var value) ? ToText(value) : string.Empty;
            }
            catch (InvalidOperationException)
            {
                // System.Text.Json parses "\ud800" (half of a surrogate pair) but cannot turn it into a string (found by fuzzing).
                throw new UserErrorException(new UserError(
                    DataErrorCodes.InvalidJsonLine,
                    $"The value of \"{Columns[i]}\" holds a \\u escape that is half of a UTF-16 surrogate pair (\\ud800–\\udfff without its partner), which is not text; fix or remove that escape.",
                    FilePath,
                    line));
            }
        }

        return new TabularRow(line, values);
    }

    private string ToText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? string.Empty,
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null or JsonValueKind.Undefined => string.Empty,
        JsonValueKind.Array => string.Join(_listSeparator, value.EnumerateArray().Select(ToText)),
        _ => value.GetRawText(),
    };

    private JsonDocument Parse(int line, string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new UserErrorException(new UserError(
                DataErrorCodes.InvalidJsonLine,
                $"This line is not valid JSON ({FirstSentence(e.Message)}); each line of a .jsonl file must be one complete JSON object.",
                FilePath,
                line,
                (int)(e.BytePositionInLine ?? 0) + 1));
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new UserErrorException(new UserError(
                DataErrorCodes.InvalidJsonLine,
                "This line is a JSON value but not an object; each line of a .jsonl file must be an object such as {\"text\": \"...\", \"label\": \"...\"}.",
                FilePath,
                line,
                1));
        }

        return document;
    }

    private async Task<(int Line, string Json)?> NextLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            string? text;
            try
            {
                text = await ReadLineAsync(cancellationToken);
            }
            catch (DecoderFallbackException)
            {
                throw TextEncodings.Undecodable(FilePath, _encoding);
            }

            if (text is null)
            {
                return null;
            }

            _lineNumber++;
            if (!string.IsNullOrWhiteSpace(text))
            {
                return (_lineNumber, text);
            }
        }
    }

    /// <summary>
    /// Like <see cref="StreamReader.ReadLineAsync()"/> (ends at \n, \r or \r\n), but stops with BFT128 once a line passes
    /// the limit, so a file without line breaks never becomes one giant string.
    /// </summary>
    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        StringBuilder? line = null;
        while (true)
        {
            if (_position == _length)
            {
                _length = await _text.ReadAsync(_buffer, cancellationToken);
                _position = 0;
                if (_length == 0)
                {
                    return line?.ToString();
                }
            }

            if (_skipLineFeed)
            {
                _skipLineFeed = false;
                if (_buffer[_position] == '\n')
                {
                    _position++;
                    continue;
                }
            }

            var rest = _buffer.AsSpan(_position, _length - _position);
            var end = rest.IndexOfAny('\n', '\r');
            var take = end < 0 ? rest.Length : end;
            line ??= new StringBuilder();
            if (line.Length + take > _maxLineChars)
            {
                throw new UserErrorException(new UserError(
                    DataErrorCodes.LineTooLong,
                    $"This line is longer than {_maxLineChars.ToString("N0", CultureInfo.InvariantCulture)} characters, the most one row may hold (reading stopped there); "
                    + "each line of a .jsonl file must be one JSON object, so check that the file has line breaks, and shorten the text.",
                    FilePath,
                    _lineNumber + 1));
            }

            line.Append(rest[..take]);
            _position += take;
            if (end >= 0)
            {
                _skipLineFeed = _buffer[_position] == '\r';
                _position++;
                return line.ToString();
            }
        }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd(' ', '.');
    }
}
