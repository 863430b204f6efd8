using System.Text;
using BertFineTune.Diagnostics;

namespace BertFineTune.Data.Reading;

/// <summary>Encodings that throw on invalid bytes, so a wrong <c>encoding:</c> is an error instead of silent U+FFFD.</summary>
internal static class TextEncodings
{
    static TextEncodings()
    {
        // Windows code pages (windows-1252, shift_jis, ...) come from this provider; registering is idempotent.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    public static Encoding Strict(string? name, string file)
    {
        if (string.IsNullOrWhiteSpace(name) || IsUtf8(name))
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        }

        try
        {
            return Encoding.GetEncoding(name.Trim(), EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        }
        catch (ArgumentException)
        {
            throw new UserErrorException(
                DataErrorCodes.UnknownEncoding,
                $"The encoding '{name}' given for '{file}' is not known; use a name such as utf-8, utf-16, latin1, windows-1252 or shift_jis.",
                file);
        }
    }

    private static bool IsUtf8(string name) =>
        name.Trim().Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal)
            .Equals("utf8", StringComparison.OrdinalIgnoreCase);

    /// <summary>A reader that detects a BOM (which then wins over <paramref name="encoding"/>) and throws on invalid bytes.</summary>
    public static StreamReader OpenReader(string path, Encoding encoding) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous),
            encoding,
            detectEncodingFromByteOrderMarks: true,
            bufferSize: 1 << 16);

    /// <summary>The error for bytes that do not decode, located by a second pass over the file.</summary>
    public static UserErrorException Undecodable(string path, Encoding encoding)
    {
        var where = InvalidByteLocator.Locate(path, encoding);
        var shown = where is null ? string.Empty : $" (byte{(where.Value.Bytes.Contains(' ', StringComparison.Ordinal) ? "s" : string.Empty)} {where.Value.Bytes})";
        return new UserErrorException(new UserError(
            DataErrorCodes.UndecodableBytes,
            $"The file is not valid {encoding.WebName}{shown}; set 'encoding:' for this dataset to the file's real encoding (for example latin1 or windows-1252), or re-save the file as UTF-8.",
            path,
            where?.Line,
            where?.Column));
    }
}
