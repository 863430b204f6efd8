namespace BertFineTune.IO;

/// <summary>
/// The canonical path of a file, symbolic links followed in every segment (like POSIX realpath), so two spellings of one
/// file compare equal. A path that does not exist yet resolves as far as it exists. A link loop is reported, not followed.
/// </summary>
public static class RealPath
{
    /// <summary>Linux's own limit on links followed while resolving one path (MAXSYMLINKS).</summary>
    private const int MaxLinks = 40;

    /// <summary>The resolved path, or null when resolving meets a symbolic-link loop (or more than 40 links).</summary>
    public static string? Resolve(string path)
    {
        var pending = new Stack<string>(Segments(Path.GetFullPath(path)).Reverse());
        var resolved = Path.GetPathRoot(Path.GetFullPath(path)) ?? "/";
        var links = 0;
        while (pending.TryPop(out var segment))
        {
            var next = Path.Combine(resolved, segment);
            string? target;
            try
            {
                target = new FileInfo(next).LinkTarget;
            }
            catch (IOException)
            {
                return null;
            }

            if (target is null)
            {
                resolved = next;
                continue;
            }

            if (++links > MaxLinks)
            {
                return null;
            }

            var absolute = Path.GetFullPath(target, resolved);
            foreach (var part in Segments(absolute).Reverse())
            {
                pending.Push(part);
            }

            resolved = Path.GetPathRoot(absolute) ?? "/";
        }

        return resolved;
    }

    /// <summary>True when <paramref name="path"/> (or a folder on its way) is a symbolic link that never reaches a real file.</summary>
    public static bool IsLinkLoop(string path) => Resolve(path) is null;

    private static IEnumerable<string> Segments(string full) =>
        full[(Path.GetPathRoot(full)?.Length ?? 0)..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
}
