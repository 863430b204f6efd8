using System.Globalization;
using System.Text;

namespace BertFineTune.Text.Preprocessing;

/// <summary>What counts as part of a word: letters and marks of every script, digits, connector punctuation, and an apostrophe between two of those.</summary>
internal static class WordChars
{
    public static bool IsApostrophe(char c) => c is '\'' or '\u2019';

    /// <summary>True when the rune at <paramref name="index"/> is a letter, mark, digit or connector (<c>_</c>).</summary>
    public static bool IsWordRune(ReadOnlySpan<char> text, int index)
    {
        var c = text[index];
        if (c < 0x80)
        {
            return char.IsAsciiLetterOrDigit(c) || c == '_';
        }

        if (Rune.DecodeFromUtf16(text[index..], out var rune, out _) != System.Buffers.OperationStatus.Done)
        {
            if (char.IsLowSurrogate(c) && index > 0)
            {
                return IsWordRune(text, index - 1);
            }

            return false;
        }

        return IsWordCategory(Rune.GetUnicodeCategory(rune));
    }

    public static bool IsWordCategory(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
            or UnicodeCategory.ConnectorPunctuation => true,
        _ => false,
    };

    /// <summary>
    /// The end (exclusive) of the token starting at <paramref name="start"/>: a run of word runes with in-word
    /// apostrophes (<c>don't</c>), or else the single non-space char there.
    /// </summary>
    public static int TokenEnd(ReadOnlySpan<char> text, int start)
    {
        if (!IsWordRune(text, start))
        {
            return char.IsHighSurrogate(text[start]) && start + 1 < text.Length ? start + 2 : start + 1;
        }

        var i = start;
        while (i < text.Length)
        {
            if (IsWordRune(text, i))
            {
                i++;
            }
            else if (IsApostrophe(text[i]) && i + 1 < text.Length && IsWordRune(text, i + 1))
            {
                i++;
            }
            else
            {
                break;
            }
        }

        return i;
    }
}
