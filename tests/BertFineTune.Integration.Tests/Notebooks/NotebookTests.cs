using BertFineTune.Integration.Tests.Support;

namespace BertFineTune.Integration.Tests.Notebooks;

/// <summary>examples/notebooks/pipeline.ipynb's code, run in CI as a file-based app against the installed tool.</summary>
[Collection(PackedFeedCollection.Name)]
public sealed class NotebookTests(PackedFeed feed)
{
    private static string Notebook => Path.Combine(RepoPaths.Root, "examples", "notebooks", "pipeline.ipynb");

    [Fact]
    public async Task Notebook_code_prepares_trains_and_shows_metrics_and_charts()
    {
        var bertft = await feed.InstallToolAsync();
        // A fixed path: `dotnet run file.cs` keeps one build cache per file path (with TorchSharp's natives in it),
        // so a fresh path per run would leave a new copy behind every time.
        var dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "bertft-notebook-app")).FullName;
        var program = Path.Combine(dir, "pipeline.cs");
        var core = Path.Combine(RepoPaths.Root, "src", "BertFineTune.Core", "BertFineTune.Core.csproj");
        await File.WriteAllTextAsync(program, NotebookProgram.FromNotebook(Notebook, core));

        // The user's NuGet cache (not the feed's private one): BertFineTune.Core restores TorchSharp from it.
        var environment = new Dictionary<string, string>
        {
            ["BERTFT"] = bertft,
            ["BERTFT_REPO"] = RepoPaths.Root,

            // The notebook trains under the temp folder; this one goes away with the feed.
            ["TMPDIR"] = feed.NewDirectory("notebook-tmp"),
        };
        var run = await ChildProcess.RunAsync("dotnet", ["run", "-c", "Release", "pipeline.cs"], dir, environment, TimeSpan.FromMinutes(8));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("The config is valid.", run.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"test F1: \d", run.Stdout);
        Assert.Matches(@"\b[1-9]\d* charts in report\.html", run.Stdout);
    }
}
