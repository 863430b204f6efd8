using System.Text.RegularExpressions;
using BertFineTune.Integration.Tests.Support;

namespace BertFineTune.Integration.Tests.Notebooks;

/// <summary>
/// examples/notebooks/pipeline.ipynb's code, run in CI as a file-based app that restores BertFineTune.Core from the
/// packed feed (as the notebook's <c>#r "nuget: ..."</c> does) and trains in-process, with the tiny fixture model
/// through the notebook's one switch, <c>BERTFT_NOTEBOOK_MODEL</c>.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed class NotebookTests(PackedFeed feed)
{
    private static string Notebook => Path.Combine(RepoPaths.Root, "examples", "notebooks", "pipeline.ipynb");

    [Fact]
    public async Task Notebook_code_trains_in_process_from_the_packed_library_and_shows_metrics_and_charts()
    {
        // A fixed path: `dotnet run file.cs` keeps one build cache per file path (with TorchSharp's natives in it),
        // so a fresh path per run would leave a new copy behind every time.
        var dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "bertft-notebook-app")).FullName;
        var program = Path.Combine(dir, "pipeline.cs");
        await File.WriteAllTextAsync(program, NotebookProgram.FromNotebook(Notebook, feed.Feed));

        // A private package cache, so the feed's BertFineTune.* never land in (or are shadowed by) the user's cache;
        // the user's cache is a fallback folder for everything else (TorchSharp and its LibTorch are large).
        var packages = feed.NewDirectory("notebook-packages");
        await File.WriteAllTextAsync(Path.Combine(dir, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <fallbackPackageFolders>
                <add key="user-packages" value="{UserPackageFolder()}" />
              </fallbackPackageFolders>
            </configuration>
            """);
        var tinyModel = Path.Combine(RepoPaths.Root, "tests", "fixtures", "tiny-bert", "model");
        var environment = new Dictionary<string, string>
        {
            ["BERTFT_REPO"] = RepoPaths.Root,
            ["BERTFT_NOTEBOOK_MODEL"] = tinyModel,
            ["NUGET_PACKAGES"] = packages,

            // The notebook trains under the temp folder; this one goes away with the feed.
            ["TMPDIR"] = feed.NewDirectory("notebook-tmp"),
        };
        var run = await ChildProcess.RunAsync("dotnet", ["run", "-c", "Release", "pipeline.cs"], dir, environment, TimeSpan.FromMinutes(8));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(
            Directory.Exists(Path.Combine(packages, "bertfinetune.core", feed.Version)),
            $"BertFineTune.Core {feed.Version} was not restored from the packed feed.\n{run}");
        Assert.Contains($"The config is valid. model: {tinyModel}, epochs: 1", run.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"\[update\] epoch \d+\.\d\d · step [1-9]\d*/[1-9]\d* · loss \d", run.Stdout);
        Assert.Matches(@"(?m)^ham\s+precision \d\.\d{3}  recall \d\.\d{3}  F1 \d\.\d{3}  support [1-9]", run.Stdout);
        Assert.Matches(@"(?m)^spam\s+precision \d\.\d{3}  recall \d\.\d{3}  F1 \d\.\d{3}  support [1-9]", run.Stdout);
        Assert.Matches(@"test F1: \d", run.Stdout);
        Assert.Matches(@"\b[1-9]\d* charts: .*loss\.png", run.Stdout);

        var report = Regex.Match(run.Stdout, @"(?m)^report: (?<path>.+)$").Groups["path"].Value.Trim();
        Assert.True(File.Exists(report), $"report.html missing: '{report}'.\n{run}");
    }

    /// <summary>Where this machine's NuGet keeps packages (<c>NUGET_PACKAGES</c>, else <c>~/.nuget/packages</c>).</summary>
    private static string UserPackageFolder() =>
        System.Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set
            ? set
            : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}
