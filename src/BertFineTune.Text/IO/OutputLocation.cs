namespace BertFineTune.IO;

/// <summary>
/// Checks an output folder or file before any work starts, so a path that can never be written (a file where a folder
/// should be, a missing or read-only folder, /proc, a name longer than the file system allows) is one sentence up front
/// instead of an exception after minutes of training. Each check returns null when the place is usable, else the reason.
/// </summary>
public static class OutputLocation
{
    /// <summary>The longest file or folder name Linux, macOS and Windows file systems accept (bytes on ext4; UTF-16 units on NTFS).</summary>
    public const int MaxNameLength = 255;

    /// <summary>Creates <paramref name="path"/> (and its parents) and proves it is writable with a probe file that deletes itself.</summary>
    public static string? PrepareFolder(string path)
    {
        var full = Path.GetFullPath(path);
        if (TooLongName(full) is string problem)
        {
            return problem;
        }

        if (ExistingFileAt(full) is string file)
        {
            return file == full
                ? $"{full} is a file, not a folder; choose a folder path (it is created if missing)"
                : $"{file} is a file, so no folder can be created below it; choose another path";
        }

        try
        {
            Directory.CreateDirectory(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"the folder {full} cannot be created ({Reason(e)}); choose a folder you can write to";
        }

        return Probe(full);
    }

    /// <summary>Checks that a file can be written at <paramref name="path"/>: its folder exists and is writable, and the path is not a folder.</summary>
    public static string? CheckFile(string path)
    {
        var full = Path.GetFullPath(path);
        if (TooLongName(full) is string problem)
        {
            return problem;
        }

        if (Directory.Exists(full))
        {
            return $"{full} is a folder; give a file name, for example {Path.Combine(full, "predictions.csv")}";
        }

        var folder = Path.GetDirectoryName(full) ?? full;
        if (ExistingFileAt(folder) is string file)
        {
            return $"{file} is a file, not a folder, so nothing can be written below it";
        }

        if (!Directory.Exists(folder))
        {
            return $"the folder {folder} does not exist; create it first or write somewhere else";
        }

        return Probe(folder);
    }

    /// <summary>A name (one path segment) longer than <see cref="MaxNameLength"/>: every create below it fails.</summary>
    private static string? TooLongName(string full)
    {
        foreach (var segment in full.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar))
        {
            var bytes = System.Text.Encoding.UTF8.GetByteCount(segment);
            if (bytes > MaxNameLength)
            {
                return $"the name '{segment[..20]}…' is {bytes} bytes long, but file systems allow at most {MaxNameLength} per file or folder name; use a shorter name";
            }
        }

        return null;
    }

    /// <summary>The path itself or its nearest existing ancestor when that is a file (not a folder), else null.</summary>
    private static string? ExistingFileAt(string full)
    {
        for (var current = full; !string.IsNullOrEmpty(current); current = Path.GetDirectoryName(current))
        {
            if (Directory.Exists(current))
            {
                return null;
            }

            if (File.Exists(current))
            {
                return current;
            }
        }

        return null;
    }

    private static string? Probe(string folder)
    {
        try
        {
            var probe = Path.Combine(folder, $".bertft-write-test-{Guid.NewGuid():N}.tmp");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }

            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"nothing can be written in {folder} ({Reason(e)}); choose a folder you can write to";
        }
    }

    private static string Reason(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        // mkdir/open in /proc and similar virtual file systems answer ENOENT although the parent exists.
        FileNotFoundException or DirectoryNotFoundException => "the file system there does not allow it",
        _ => e.Message.TrimEnd('.'),
    };
}
