using System.Text;

namespace BertFineTune.Text.Preprocessing;

/// <summary>
/// A slang/typo dictionary applied word by word: keys match whole words (never inside a longer word), case-insensitively
/// (ordinal ignore-case), and a key of several words wins over its shorter prefixes ("by the way" before "by").
/// A space in a key matches any run of whitespace. Load one with <see cref="NormalizationLoader"/>.
/// </summary>
public sealed class NormalizationDictionary
{
    private readonly Dictionary<string, Entry[]> _byFirstToken;
    private readonly Dictionary<string, Entry[]>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public NormalizationDictionary(IReadOnlyDictionary<string, string> entries, string source)
    {
        Source = source;
        Count = entries.Count;
        _byFirstToken = entries
            .Select(e => new Entry(CollapseSpaces(e.Key), e.Value))
            .GroupBy(e => FirstToken(e.Key), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(e => e.Key.Length).ToArray(), StringComparer.OrdinalIgnoreCase);
        _lookup = _byFirstToken.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Where the entries came from: a file path or <c>bundled:en</c>.</summary>
    public string Source { get; }

    public int Count { get; }

    /// <summary>Replaces every dictionary word or phrase in <paramref name="text"/>.</summary>
    public string Apply(string text)
    {
        var span = text.AsSpan();
        StringBuilder? output = null;
        var copiedUpTo = 0;
        var i = 0;
        while (i < span.Length)
        {
            if (char.IsWhiteSpace(span[i]))
            {
                i++;
                continue;
            }

            var tokenEnd = WordChars.TokenEnd(span, i);
            var startsWord = i == 0 || !WordChars.IsWordRune(span, i - 1) || !WordChars.IsWordRune(span, i);
            if (startsWord && _lookup.TryGetValue(span[i..tokenEnd], out var candidates))
            {
                foreach (var entry in candidates)
                {
                    var end = MatchEnd(span, i, entry.Key);
                    if (end > 0)
                    {
                        output ??= new StringBuilder(text.Length + 16);
                        output.Append(span[copiedUpTo..i]).Append(entry.Value);
                        copiedUpTo = end;
                        tokenEnd = end;
                        break;
                    }
                }
            }

            i = tokenEnd;
        }

        if (output is null)
        {
            return text;
        }

        output.Append(span[copiedUpTo..]);
        return output.ToString();
    }

    /// <summary>The end of <paramref name="key"/> matched at <paramref name="start"/>, or 0 when it does not match there as whole words.</summary>
    private static int MatchEnd(ReadOnlySpan<char> text, int start, string key)
    {
        var t = start;
        foreach (var k in key)
        {
            if (k == ' ')
            {
                if (t >= text.Length || !char.IsWhiteSpace(text[t]))
                {
                    return 0;
                }

                while (t < text.Length && char.IsWhiteSpace(text[t]))
                {
                    t++;
                }

                continue;
            }

            if (t >= text.Length || (text[t] != k && char.ToUpperInvariant(text[t]) != char.ToUpperInvariant(k)))
            {
                return 0;
            }

            t++;
        }

        // Whole word: a key ending in a word character must not run on into a longer word ("u" must not match "us").
        var keyEndsInWord = WordChars.IsWordRune(key, key.Length - 1);
        if (keyEndsInWord && t < text.Length && WordChars.IsWordRune(text, t))
        {
            return 0;
        }

        if (keyEndsInWord && t + 1 < text.Length && WordChars.IsApostrophe(text[t]) && WordChars.IsWordRune(text, t + 1))
        {
            return 0;
        }

        return t;
    }

    private static string FirstToken(string key) => key[..WordChars.TokenEnd(key, 0)];

    private static string CollapseSpaces(string key) =>
        string.Join(' ', key.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private sealed record Entry(string Key, string Value);
}
