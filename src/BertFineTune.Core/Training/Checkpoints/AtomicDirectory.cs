namespace BertFineTune.Training.Checkpoints;

/// <summary>
/// Writes a whole folder atomically: everything goes into a hidden temp folder beside the target, which is renamed
/// into place at the end. A crash or cancellation leaves either the old folder or the new one, never half of one.
/// </summary>
public static class AtomicDirectory
{
    public const string TempPrefix = ".tmp-";

    public static void Write(string target, Action<string> writeContents)
    {
        var parent = Path.GetDirectoryName(Path.GetFullPath(target))!;
        Directory.CreateDirectory(parent);
        var name = Path.GetFileName(Path.GetFullPath(target));
        var temp = Path.Combine(parent, $"{TempPrefix}{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            writeContents(temp);
            if (Directory.Exists(target))
            {
                // Swap: the old folder moves aside first, so there is never a moment with a half-written target.
                var old = Path.Combine(parent, $"{TempPrefix}old-{name}-{Guid.NewGuid():N}");
                Directory.Move(target, old);
                Directory.Move(temp, target);
                Directory.Delete(old, recursive: true);
            }
            else
            {
                Directory.Move(temp, target);
            }
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Removes temp folders a killed process left behind in <paramref name="parent"/>.</summary>
    public static void CleanLeftovers(string parent)
    {
        if (!Directory.Exists(parent))
        {
            return;
        }

        foreach (var dir in Directory.GetDirectories(parent, TempPrefix + "*"))
        {
            TryDelete(dir);
        }
    }

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the next run cleans it.
        }
    }
}
