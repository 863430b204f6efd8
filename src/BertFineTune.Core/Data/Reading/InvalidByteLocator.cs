using System.Text;

namespace BertFineTune.Data.Reading;

/// <summary>
/// Finds the line and column of the first byte sequence an encoding cannot decode. The streaming decoder only says
/// "somewhere in this 64 KiB buffer", so on failure we scan again, line by line, which is exact for every encoding whose
/// newline is the single byte 0x0A and never appears inside a multi-byte character (UTF-8, single-byte code pages, Shift-JIS, GB18030).
/// </summary>
internal static class InvalidByteLocator
{
    /// <summary>Four UTF-8 bytes per character of the longest row the readers accept, plus a read-ahead buffer.</summary>
    private const int MaxLineBytes = (4 * ReadLimits.DefaultMaxLineChars) + (1 << 16);

    public static (int Line, int Column, string Bytes)? Locate(string path, Encoding encoding)
    {
        if (encoding is UnicodeEncoding or UTF32Encoding)
        {
            return null;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var line = new List<byte>(256);
        var lineNumber = 1;
        var first = true;
        int b;
        while ((b = stream.ReadByte()) >= 0)
        {
            if (b == '\n')
            {
                var found = Check(line, lineNumber, encoding, first);
                if (found is not null)
                {
                    return found;
                }

                first = false;
                line.Clear();
                lineNumber++;
                continue;
            }

            line.Add((byte)b);
            if (line.Count == MaxLineBytes)
            {
                // The readers stop a row at ReadLimits' characters, so the bad byte lies within this much of the line's
                // start; a longer line is not buffered whole (a multi-gigabyte line with no line break).
                return Check(line, lineNumber, encoding, first);
            }
        }

        return Check(line, lineNumber, encoding, first);
    }

    private static (int Line, int Column, string Bytes)? Check(List<byte> line, int lineNumber, Encoding encoding, bool isFirstLine)
    {
        var bytes = line.ToArray();
        var start = isFirstLine && bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        try
        {
            encoding.GetCharCount(bytes, start, bytes.Length - start);
            return null;
        }
        catch (DecoderFallbackException e)
        {
            var index = Math.Clamp(e.Index, 0, bytes.Length - start - 1) + start;
            var column = 1;
            try
            {
                column = encoding.GetCharCount(bytes, start, index - start) + 1;
            }
            catch (DecoderFallbackException)
            {
                // The prefix ends inside the bad sequence; the line alone still points the user at the right place.
            }

            var bad = e.BytesUnknown is { Length: > 0 } unknown ? unknown : [bytes[index]];
            return (lineNumber, column, string.Join(' ', bad.Select(x => $"0x{x:X2}")));
        }
    }
}
