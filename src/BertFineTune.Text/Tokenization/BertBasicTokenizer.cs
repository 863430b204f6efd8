using System.Globalization;
using System.Text;

namespace BertFineTune.Text.Tokenization;

/// <summary>
/// transformers' <c>BasicTokenizer</c> (4.28): clean the text, space out CJK characters, NFC, split on whitespace,
/// lower case, strip accents (NFD, drop non-spacing marks), split off punctuation. Written here because
/// Microsoft.ML.Tokenizers' <c>BertTokenizer</c> drops ASCII symbols such as <c>=</c> that BERT keeps as tokens.
/// </summary>
internal sealed class BertBasicTokenizer(bool doLowerCase, bool removeAccents, bool tokenizeChineseChars)
{
    public List<string> Tokenize(string text)
    {
        var cleaned = Clean(text);
        var normalized = cleaned.Normalize(NormalizationForm.FormC);
        var words = new List<string>();
        foreach (var raw in SplitOnWhitespace(normalized))
        {
            var word = doLowerCase ? raw.ToLowerInvariant() : raw;
            if (removeAccents)
            {
                word = StripAccents(word);
            }

            SplitOnPunctuation(word, words);
        }

        return words;
    }

    private string Clean(string text)
    {
        var sb = new StringBuilder(text.Length + 16);
        foreach (var rune in text.EnumerateRunes())
        {
            var cp = rune.Value;
            if (cp == 0 || cp == 0xFFFD || IsControl(rune))
            {
                continue;
            }

            if (IsWhitespace(rune))
            {
                sb.Append(' ');
            }
            else if (tokenizeChineseChars && IsCjk(cp))
            {
                sb.Append(' ').Append(rune.ToString()).Append(' ');
            }
            else
            {
                sb.Append(rune.ToString());
            }
        }

        return sb.ToString();
    }

    private static IEnumerable<string> SplitOnWhitespace(string text)
    {
        // Python's str.split(): any Unicode whitespace separates, runs collapse, ends trimmed.
        var start = -1;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                if (start >= 0)
                {
                    yield return text[start..i];
                    start = -1;
                }
            }
            else if (start < 0)
            {
                start = i;
            }
        }

        if (start >= 0)
        {
            yield return text[start..];
        }
    }

    private static string StripAccents(string word)
    {
        var decomposed = word.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var rune in decomposed.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark)
            {
                sb.Append(rune.ToString());
            }
        }

        return sb.ToString();
    }

    private static void SplitOnPunctuation(string word, List<string> output)
    {
        var current = new StringBuilder();
        foreach (var rune in word.EnumerateRunes())
        {
            if (IsPunctuation(rune))
            {
                if (current.Length > 0)
                {
                    output.Add(current.ToString());
                    current.Clear();
                }

                output.Add(rune.ToString());
            }
            else
            {
                current.Append(rune.ToString());
            }
        }

        if (current.Length > 0)
        {
            output.Add(current.ToString());
        }
    }

    private static bool IsWhitespace(Rune rune) =>
        rune.Value is ' ' or '\t' or '\n' or '\r' || Rune.GetUnicodeCategory(rune) == UnicodeCategory.SpaceSeparator;

    private static bool IsControl(Rune rune) =>
        rune.Value is not ('\t' or '\n' or '\r')
        && Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format;

    // BERT counts every non-alphanumeric ASCII symbol as punctuation ($, +, =, ^, ...), not only category P*.
    private static bool IsPunctuation(Rune rune)
    {
        var cp = rune.Value;
        if (cp is (>= 33 and <= 47) or (>= 58 and <= 64) or (>= 91 and <= 96) or (>= 123 and <= 126))
        {
            return true;
        }

        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }

    private static bool IsCjk(int cp) =>
        cp is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF)
            or (>= 0x2A700 and <= 0x2B73F) or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF)
            or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
}
