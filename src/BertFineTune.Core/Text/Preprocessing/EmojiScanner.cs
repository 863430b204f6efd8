using System.Text;

namespace BertFineTune.Text.Preprocessing;

/// <summary>
/// Finds emoji in text: Unicode's Extended_Pictographic code points, regional-indicator flags, keycaps (<c>1️⃣</c>),
/// and whatever a sequence attaches to them: skin-tone modifiers, variation selectors, tag characters (subdivision
/// flags) and zero-width joiners between emoji (ZWJ families). A ZWJ that is not between emoji (as in Indic scripts)
/// is left alone. The table follows Unicode 15.1's emoji-data.txt.
/// </summary>
internal static class EmojiScanner
{
    // Extended_Pictographic ranges, inclusive, sorted.
    private static readonly (int From, int To)[] Pictographic =
    [
        (0x00A9, 0x00A9), (0x00AE, 0x00AE), (0x203C, 0x203C), (0x2049, 0x2049), (0x2122, 0x2122), (0x2139, 0x2139),
        (0x2194, 0x2199), (0x21A9, 0x21AA), (0x231A, 0x231B), (0x2328, 0x2328), (0x2388, 0x2388), (0x23CF, 0x23CF),
        (0x23E9, 0x23F3), (0x23F8, 0x23FA), (0x24C2, 0x24C2), (0x25AA, 0x25AB), (0x25B6, 0x25B6), (0x25C0, 0x25C0),
        (0x25FB, 0x25FE), (0x2600, 0x2605), (0x2607, 0x2612), (0x2614, 0x2685), (0x2690, 0x2705), (0x2708, 0x2712),
        (0x2714, 0x2714), (0x2716, 0x2716), (0x271D, 0x271D), (0x2721, 0x2721), (0x2728, 0x2728), (0x2733, 0x2734),
        (0x2744, 0x2744), (0x2747, 0x2747), (0x274C, 0x274C), (0x274E, 0x274E), (0x2753, 0x2755), (0x2757, 0x2757),
        (0x2763, 0x2767), (0x2795, 0x2797), (0x27A1, 0x27A1), (0x27B0, 0x27B0), (0x27BF, 0x27BF), (0x2934, 0x2935),
        (0x2B05, 0x2B07), (0x2B1B, 0x2B1C), (0x2B50, 0x2B50), (0x2B55, 0x2B55), (0x3030, 0x3030), (0x303D, 0x303D),
        (0x3297, 0x3297), (0x3299, 0x3299), (0x1F000, 0x1F0FF), (0x1F10D, 0x1F10F), (0x1F12F, 0x1F12F),
        (0x1F16C, 0x1F171), (0x1F17E, 0x1F17F), (0x1F18E, 0x1F18E), (0x1F191, 0x1F19A), (0x1F1AD, 0x1F1E5),
        (0x1F201, 0x1F20F), (0x1F21A, 0x1F21A), (0x1F22F, 0x1F22F), (0x1F232, 0x1F23A), (0x1F23C, 0x1F23F),
        (0x1F249, 0x1F3FA), (0x1F400, 0x1F53D), (0x1F546, 0x1F64F), (0x1F680, 0x1F6FF), (0x1F774, 0x1F77F),
        (0x1F7D5, 0x1F7FF), (0x1F80C, 0x1F80F), (0x1F848, 0x1F84F), (0x1F85A, 0x1F85F), (0x1F888, 0x1F88F),
        (0x1F8AE, 0x1F8FF), (0x1F90C, 0x1F93A), (0x1F93C, 0x1F945), (0x1F947, 0x1FAFF), (0x1FC00, 0x1FFFD),
    ];

    private const int ZeroWidthJoiner = 0x200D;
    private const int CombiningKeycap = 0x20E3;

    /// <summary>True when the text may hold an emoji at all (a cheap pre-check so plain text skips the scan).</summary>
    public static bool MayContain(string text)
    {
        foreach (var c in text)
        {
            if (c >= 0x00A9 && (c is '\u00A9' or '\u00AE' || c >= 0x2000))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Replaces every emoji sequence with one space.</summary>
    public static string Remove(string text)
    {
        if (!MayContain(text))
        {
            return text;
        }

        var output = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var length = SequenceLength(text, i);
            if (length > 0)
            {
                output.Append(' ');
                i += length;
            }
            else
            {
                output.Append(text[i]);
                i++;
            }
        }

        return output.ToString();
    }

    /// <summary>The length in chars of the emoji sequence starting at <paramref name="start"/>, or 0 if none starts there.</summary>
    public static int SequenceLength(string text, int start)
    {
        var first = RuneAt(text, start);
        int i;
        if (IsKeycapBase(first.Value))
        {
            i = start + 1;
            if (i < text.Length && text[i] is '\uFE0F' or '\uFE0E')
            {
                i++;
            }

            if (i >= text.Length || text[i] != CombiningKeycap)
            {
                return 0;
            }

            return i + 1 - start;
        }

        if (!IsEmojiBase(first.Value) && !IsComponent(first.Value))
        {
            return 0;
        }

        i = start + first.Utf16SequenceLength;
        while (i < text.Length)
        {
            var next = RuneAt(text, i);
            if (IsComponent(next.Value) || IsRegionalIndicator(next.Value))
            {
                i += next.Utf16SequenceLength;
            }
            else if (next.Value == ZeroWidthJoiner && i + 1 < text.Length && IsEmojiBase(RuneAt(text, i + 1).Value))
            {
                i += 1 + RuneAt(text, i + 1).Utf16SequenceLength;
            }
            else
            {
                break;
            }
        }

        return i - start;
    }

    public static bool IsEmojiBase(int codePoint) => IsPictographic(codePoint) || IsRegionalIndicator(codePoint);

    /// <summary>Code points that only ever modify an emoji: variation selectors, skin tones, keycap, tags.</summary>
    public static bool IsComponent(int codePoint) =>
        codePoint is 0xFE0E or 0xFE0F or CombiningKeycap
        || (codePoint >= 0x1F3FB && codePoint <= 0x1F3FF)
        || (codePoint >= 0xE0020 && codePoint <= 0xE007F);

    private static bool IsRegionalIndicator(int codePoint) => codePoint >= 0x1F1E6 && codePoint <= 0x1F1FF;

    private static bool IsKeycapBase(int codePoint) => codePoint is (>= '0' and <= '9') or '#' or '*';

    private static bool IsPictographic(int codePoint)
    {
        if (codePoint < 0xA9)
        {
            return false;
        }

        int lo = 0, hi = Pictographic.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >> 1;
            var (from, to) = Pictographic[mid];
            if (codePoint < from)
            {
                hi = mid - 1;
            }
            else if (codePoint > to)
            {
                lo = mid + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    private static Rune RuneAt(string text, int index) =>
        Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out _) == System.Buffers.OperationStatus.Done ? rune : Rune.ReplacementChar;
}
