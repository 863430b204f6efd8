using System.Text;

namespace BertFineTune.IO;

/// <summary>
/// Writes a file so that readers see either the old or the complete new content, never a torn one: the bytes go to a
/// hidden temp file in the same folder (so the final move is a rename on one file system), then replace the target.
/// A failed or cancelled write leaves the target untouched and removes the temp file.
/// </summary>
public static class AtomicFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    public static void WriteAllText(string path, string contents) => WriteAllBytes(path, Utf8NoBom.GetBytes(contents));

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> contents)
    {
        var bytes = contents.ToArray();
        Write(path, stream => stream.Write(bytes));
    }

    /// <summary>Runs <paramref name="write"/> against a temp stream, then renames it to <paramref name="path"/>.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var (target, temp) = Paths(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    public static Task WriteAllTextAsync(string path, string contents, CancellationToken cancellationToken = default) =>
        WriteAllBytesAsync(path, Utf8NoBom.GetBytes(contents), cancellationToken);

    public static Task WriteAllBytesAsync(string path, ReadOnlyMemory<byte> contents, CancellationToken cancellationToken = default) =>
        WriteAsync(path, stream => stream.WriteAsync(contents, cancellationToken).AsTask(), cancellationToken);

    /// <summary>Runs <paramref name="write"/> against a temp stream, then renames it to <paramref name="path"/>.</summary>
    public static async Task WriteAsync(string path, Func<Stream, Task> write, CancellationToken cancellationToken = default)
    {
        var (target, temp) = Paths(path);
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await write(stream);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            cancellationToken.ThrowIfCancellationRequested();
            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <summary>
    /// Deletes the temp files a killed writer left in <paramref name="directory"/>: only names this class makes
    /// (<c>.&lt;name&gt;.&lt;32 hex digits&gt;.tmp</c>), never anything else.
    /// </summary>
    public static void CleanLeftovers(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(directory, ".*.tmp"))
        {
            if (IsTempName(Path.GetFileName(file)))
            {
                TryDelete(file);
            }
        }
    }

    private static bool IsTempName(string name)
    {
        // ".<name>.<guid N>.tmp": a leading dot, then a 32-digit lowercase hex id between the last two dots.
        const int IdLength = 32;
        if (!name.StartsWith('.') || !name.EndsWith(".tmp", StringComparison.Ordinal) || name.Length < IdLength + 7)
        {
            return false;
        }

        var id = name.AsSpan(name.Length - 4 - IdLength, IdLength);
        return name[name.Length - 5 - IdLength] == '.' && id.IndexOfAnyExcept("0123456789abcdef") < 0;
    }

    private static (string Target, string Temp) Paths(string path)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        return (full, Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp"));
    }

    private static void TryDelete(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (IOException)
        {
            // Best effort: a leftover hidden .tmp file is harmless; the real output was never touched.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }
}
