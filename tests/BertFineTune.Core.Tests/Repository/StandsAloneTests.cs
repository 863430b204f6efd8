using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using BertFineTune.Tests.Support;

namespace BertFineTune.Tests.Repository;

/// <summary>A clone must pass its tests alone: every file it reads is inside it, and the fixtures are the reference's bytes.</summary>
public partial class StandsAloneTests
{
    [Fact]
    public void Every_fixture_file_matches_its_SHA256SUMS_line()
    {
        var sums = File.ReadAllLines(Path.Combine(RepoPaths.Fixtures, "SHA256SUMS"))
            .Where(line => line.Length > 0)
            .Select(line => (Hash: line[..64], Path: line[66..].TrimStart('.', '/')))
            .ToList();
        Assert.True(sums.Count > 60, $"SHA256SUMS lists only {sums.Count} files.");

        var mismatched = sums
            .Where(s => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(RepoPaths.Fixtures, s.Path)))) != s.Hash)
            .Select(s => s.Path)
            .ToList();
        Assert.Empty(mismatched);

        var listed = sums.Select(s => s.Path).ToHashSet(StringComparer.Ordinal);
        var unlisted = Directory.EnumerateFiles(RepoPaths.Fixtures, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepoPaths.Fixtures, f).Replace('\\', '/'))
            .Where(f => f != "SHA256SUMS" && !listed.Contains(f))
            .ToList();
        Assert.Empty(unlisted);
    }

    [Fact]
    public void Every_fixture_family_is_in_the_repository()
    {
        foreach (var name in new[]
                 {
                     "tiny-bert", "tiny-distilbert", "tiny-roberta", "tiny-modernbert", "tiny-modernbert-cls",
                     "tiny-deberta-v3", "tiny-electra", "tiny-xlm-roberta",
                 })
        {
            Assert.True(File.Exists(Path.Combine(RepoPaths.Fixture(name), "model", "config.json")), name);
            Assert.True(File.Exists(Path.Combine(RepoPaths.Fixture(name), "expected.json")), name);
        }
    }

    [Fact]
    public void No_tracked_file_names_a_path_outside_the_repository()
    {
        var offenders = new List<string>();
        foreach (var relative in TrackedTextFiles())
        {
            var file = Path.Combine(RepoPaths.Root, relative);
            var directory = Path.GetDirectoryName(file)!;
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i];

                // A line may be vouched for by the comment above it: "stands-alone:" and the reason it stays inside.
                if (i > 0 && lines[i - 1].Contains("stands-alone:", StringComparison.Ordinal))
                {
                    continue;
                }

                // stands-alone: the search string itself, not a use of the variable.
                if (OutsideRoot().IsMatch(line))
                {
                    offenders.Add($"{relative}:{i + 1}: {line.Trim()}");
                    continue;
                }

                foreach (Match m in RelativeUp().Matches(line))
                {
                    // A relative path counts as leaving the clone only when it escapes from the file's own folder
                    // and from the repository root (code often resolves paths against either).
                    if (Escapes(Path.Combine(directory, m.Value)) && Escapes(Path.Combine(RepoPaths.Root, m.Value)))
                    {
                        offenders.Add($"{relative}:{i + 1}: {line.Trim()}");
                    }
                }
            }
        }

        Assert.True(offenders.Count == 0, "Paths outside the repository:\n" + string.Join('\n', offenders));
    }

    private static bool Escapes(string path)
    {
        var full = Path.GetFullPath(path);
        var root = RepoPaths.Root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        return !full.StartsWith(root, StringComparison.Ordinal) && full != RepoPaths.Root;
    }

    private static readonly string[] CheckedExtensions =
    [
        ".cs", ".cake", ".sh", ".yaml", ".yml", ".ipynb", ".props", ".targets", ".csproj", ".json", ".sln", ".md",
    ];

    private static IEnumerable<string> TrackedTextFiles()
    {
        var start = new ProcessStartInfo("git", "ls-files -z")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var git = Process.Start(start)!;
        var output = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        Assert.Equal(0, git.ExitCode);

        // The fixtures' README describes how they were made elsewhere; it is documentation of provenance, not a path we
        // read.
        return output.Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Where(f => CheckedExtensions.Contains(Path.GetExtension(f)) && !f.StartsWith("tests/fixtures/", StringComparison.Ordinal))
            .Where(f => File.Exists(Path.Combine(RepoPaths.Root, f)));
    }

    [GeneratedRegex(@"(?<![\w.])(?:\.\./)+(?:[\w.-]+/)*[\w.-]+")]
    private static partial Regex RelativeUp();

    // A path climbed with Path.Combine(…, "..", name) leaves wherever it starts; the old environment switch named a
    // folder beside the clone. The character class keeps this file from naming what it looks for.
    [GeneratedRegex(@"""\.\.""\s*,\s*""[^""]+""|BERTFT_[S]HARED")]
    private static partial Regex OutsideRoot();
}
