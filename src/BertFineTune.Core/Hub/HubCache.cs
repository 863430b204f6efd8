using System.Text.Json;
using System.Text.RegularExpressions;
using BertFineTune.IO;

namespace BertFineTune.Hub;

/// <summary>
/// huggingface_hub's cache layout, so Python and .NET share one cache:
/// <c>{root}/models--org--name/{blobs/&lt;etag&gt;, refs/&lt;revision&gt;, snapshots/&lt;commit&gt;/&lt;file&gt;}</c>, where each
/// snapshot file is a relative symlink to its blob (a copy where the file system refuses symlinks).
/// </summary>
public sealed partial class HubCache(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>huggingface_hub's default cache: <c>$HF_HUB_CACHE</c>, else <c>$HF_HOME/hub</c>, else <c>~/.cache/huggingface/hub</c>.</summary>
    public static string DefaultRoot()
    {
        var hubCache = Environment.GetEnvironmentVariable("HF_HUB_CACHE");
        if (!string.IsNullOrEmpty(hubCache))
        {
            return hubCache;
        }

        var home = Environment.GetEnvironmentVariable("HF_HOME");
        return !string.IsNullOrEmpty(home)
            ? Path.Combine(home, "hub")
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "huggingface", "hub");
    }

    public string RepoFolder(HubRepoId repo) => Path.Combine(Root, repo.CacheFolderName);

    public string BlobPath(HubRepoId repo, string etag) => Path.Combine(RepoFolder(repo), "blobs", etag);

    public string SnapshotFolder(HubRepoId repo, string commit) => Path.Combine(RepoFolder(repo), "snapshots", commit);

    public static bool IsCommitHash(string revision) => CommitPattern().IsMatch(revision);

    /// <summary>The commit a revision points to: itself for a commit hash, else <c>refs/&lt;revision&gt;</c>, or null.</summary>
    public string? ResolveCommit(HubRepoId repo, string revision)
    {
        if (IsCommitHash(revision))
        {
            return revision;
        }

        var refPath = RefPath(repo, revision);
        if (!File.Exists(refPath))
        {
            return null;
        }

        var commit = File.ReadAllText(refPath).Trim();
        return IsCommitHash(commit) ? commit : null;
    }

    public void WriteRef(HubRepoId repo, string revision, string commit)
    {
        if (revision != commit)
        {
            AtomicFile.WriteAllText(RefPath(repo, revision), commit);
        }
    }

    /// <summary>
    /// The snapshot folder of <paramref name="revision"/> if it holds a loadable model (config.json and every weights
    /// file, shards of an index included), else null.
    /// </summary>
    public string? FindCompleteSnapshot(HubRepoId repo, string revision)
    {
        var commit = ResolveCommit(repo, revision);
        if (commit is null)
        {
            return null;
        }

        var folder = SnapshotFolder(repo, commit);
        return File.Exists(Path.Combine(folder, "config.json")) && HasWeights(folder) ? folder : null;
    }

    /// <summary>Whether <paramref name="folder"/> has a complete weights file set, in the order loaders prefer.</summary>
    public static bool HasWeights(string folder)
    {
        if (File.Exists(Path.Combine(folder, "model.safetensors")) || File.Exists(Path.Combine(folder, "pytorch_model.bin")))
        {
            return true;
        }

        foreach (var index in new[] { "model.safetensors.index.json", "pytorch_model.bin.index.json" })
        {
            var path = Path.Combine(folder, index);
            if (File.Exists(path) && ShardsOf(path).All(s => File.Exists(Path.Combine(folder, s))))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The distinct shard files named by a sharded checkpoint's <c>weight_map</c>.</summary>
    public static IReadOnlyList<string> ShardsOf(string indexPath)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(indexPath));
        return doc.RootElement.TryGetProperty("weight_map", out var map) && map.ValueKind == JsonValueKind.Object
            ? [.. map.EnumerateObject().Select(p => p.Value.GetString()).OfType<string>().Distinct(StringComparer.Ordinal)]
            : [];
    }

    /// <summary>
    /// Points <c>snapshots/&lt;commit&gt;/&lt;file&gt;</c> at <c>blobs/&lt;etag&gt;</c> with a relative symlink, as huggingface_hub
    /// does; copies the blob where symlinks are not allowed.
    /// </summary>
    public string LinkIntoSnapshot(HubRepoId repo, string commit, string file, string etag)
    {
        var target = Path.Combine(SnapshotFolder(repo, commit), file.Replace('/', Path.DirectorySeparatorChar));
        var blob = BlobPath(repo, etag);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var relative = Path.GetRelativePath(Path.GetDirectoryName(target)!, blob);
        var temp = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.CreateSymbolicLink(temp, relative);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            File.Copy(blob, temp);
        }

        File.Move(temp, target, overwrite: true);
        return target;
    }

    private string RefPath(HubRepoId repo, string revision) =>
        Path.Combine(RepoFolder(repo), "refs", revision.Replace('/', Path.DirectorySeparatorChar));

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitPattern();
}
