using System.Globalization;
using System.Text;

namespace BertFineTune.Text.Preprocessing;

/// <summary>
/// The last three steps in one pass: symbols (Unicode P* and S* categories) and numbers (N* categories) are removed,
/// then whitespace runs collapse to one space and the ends are trimmed.
/// <list type="bullet">
/// <item>A removed symbol becomes a space (so <c>hello,world</c> stays two words); an apostrophe between two letters or
/// digits is kept (<c>don't</c>, <c>l'amour</c>, <c>90's</c>) because it is part of the word, not punctuation.</item>
/// <item>A removed number leaves nothing (<c>covid19</c> → <c>covid</c>, <c>100 people</c> → <c>people</c>).</item>
/// <item>Marks and emoji components attached to a removed symbol or number go with it (a keycap's VS16, a ZWJ).</item>
/// <item>Letters and marks of every script are kept: Arabic, Devanagari, CJK, Cyrillic survive <c>remove_symbols</c>.</item>
/// <item>A whitespace run that contains a line break becomes <c>\n</c> while newlines are kept, else one space.</item>
/// </list>
/// </summary>
internal static class SymbolNumberWhitespaceScanner
{
    public static string Apply(string text, bool removeSymbols, bool removeNumbers, bool keepNewlines)
    {
        var output = new StringBuilder(text.Length);
        var pendingSpace = false;
        var pendingNewline = false;
        var dropAttached = false;
        var span = text.AsSpan();
        var i = 0;
        while (i < span.Length)
        {
            var c = span[i];
            int width;
            UnicodeCategory category;
            if (c < 0x80)
            {
                width = 1;
                category = AsciiCategory(c);
            }
            else if (Rune.DecodeFromUtf16(span[i..], out var rune, out width) == System.Buffers.OperationStatus.Done)
            {
                category = Rune.GetUnicodeCategory(rune);
                if (dropAttached && (IsAttached(rune.Value, category)))
                {
                    i += width;
                    continue;
                }
            }
            else
            {
                width = 1;
                category = UnicodeCategory.OtherNotAssigned;
            }

            dropAttached = false;
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = true;
                pendingNewline |= keepNewlines && c is '\n' or '\r';
                i += width;
                continue;
            }

            var remove = (removeSymbols && IsSymbol(category) && !IsInWordApostrophe(span, i))
                || (removeNumbers && IsNumber(category));
            if (remove)
            {
                dropAttached = true;
                if (IsSymbol(category))
                {
                    pendingSpace = true;
                }

                i += width;
                continue;
            }

            if (pendingSpace && output.Length > 0)
            {
                output.Append(pendingNewline ? '\n' : ' ');
            }

            pendingSpace = false;
            pendingNewline = false;
            output.Append(span.Slice(i, width));
            i += width;
        }

        return output.ToString();
    }

    private static bool IsAttached(int codePoint, UnicodeCategory category) =>
        category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
        || codePoint == 0x200D
        || EmojiScanner.IsComponent(codePoint);

    private static bool IsInWordApostrophe(ReadOnlySpan<char> text, int i) =>
        WordChars.IsApostrophe(text[i]) && i > 0 && i + 1 < text.Length
        && WordChars.IsWordRune(text, i - 1) && WordChars.IsWordRune(text, i + 1);

    private static bool IsSymbol(UnicodeCategory category) => category is
        UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
        or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
        or UnicodeCategory.OtherPunctuation or UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol
        or UnicodeCategory.ModifierSymbol or UnicodeCategory.OtherSymbol;

    private static bool IsNumber(UnicodeCategory category) => category is
        UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;

    private static UnicodeCategory AsciiCategory(char c) =>
        char.IsAsciiLetterLower(c) ? UnicodeCategory.LowercaseLetter
        : char.IsAsciiLetterUpper(c) ? UnicodeCategory.UppercaseLetter
        : char.IsAsciiDigit(c) ? UnicodeCategory.DecimalDigitNumber
        : CharUnicodeInfo.GetUnicodeCategory(c);
}
