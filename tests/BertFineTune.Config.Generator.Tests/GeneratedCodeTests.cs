using Microsoft.CodeAnalysis;

namespace BertFineTune.Config.Generator.Tests;

public class GeneratedCodeTests
{
    private static string SnapshotPath(bool source) =>
        source
            ? Path.Combine(FindTestProjectFolder(), "Snapshots", "sample.generated.cs.txt")
            : Path.Combine(AppContext.BaseDirectory, "Snapshots", "sample.generated.cs.txt");

    [Fact]
    public void Generated_code_matches_the_snapshot()
    {
        var (result, _) = GeneratorHarness.Run(GeneratorHarness.SampleSchema);
        Assert.Empty(result.Diagnostics);
        var actual = string.Join(
            "\n",
            result.Results.Single().GeneratedSources.OrderBy(s => s.HintName, StringComparer.Ordinal).Select(s => $"//// {s.HintName}\n{s.SourceText}"));

        // Set UPDATE_SNAPSHOTS=1 to accept a deliberate change; review the diff before committing it.
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(SnapshotPath(source: true), actual);
        }

        var expected = File.ReadAllText(SnapshotPath(source: false)).ReplaceLineEndings("\n");
        Assert.Equal(expected, actual.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Generated_code_compiles_without_diagnostics()
    {
        var (result, output) = GeneratorHarness.Run(GeneratorHarness.SampleSchema);

        Assert.Empty(result.Diagnostics);
        Assert.Equal(
            ["ItemsEntry.g.cs", "OptionsConfig.g.cs", "OptionsInnerConfig.g.cs", "RunMode.g.cs", "SampleSettings.g.cs", "Switch.g.cs"],
            result.Results.Single().GeneratedSources.Select(s => s.HintName).Order(StringComparer.Ordinal));
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Generated_code_compiles_for_the_real_schema()
    {
        var schema = File.ReadAllText(Path.Combine(FindRepositoryRoot(), "config.schema.json"));
        var (result, output) = GeneratorHarness.Run(schema);

        Assert.Empty(result.Diagnostics);
        // Core already defines these types (it runs the generator on the same schema); only CS0436 "conflicts with
        // the imported type" may appear, anything else is a bug in the emitted code.
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Id != "CS0436").ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems.Take(20)));
        Assert.Contains(result.Results.Single().GeneratedSources, s => s.HintName == "BertFineTuneConfig.g.cs");
    }

    internal static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BertFineTune.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException("BertFineTune.sln not found above the test binaries.");
    }

    private static string FindTestProjectFolder() => Path.Combine(FindRepositoryRoot(), "tests", "BertFineTune.Config.Generator.Tests");
}
