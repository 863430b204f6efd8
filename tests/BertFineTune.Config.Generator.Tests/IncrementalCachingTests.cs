using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace BertFineTune.Config.Generator.Tests;

public class IncrementalCachingTests
{
    [Fact]
    public void A_second_run_with_the_same_schema_is_all_cached_or_unchanged()
    {
        var compilation = GeneratorHarness.EmptyCompilation();
        var driver = GeneratorHarness.CreateDriver(GeneratorHarness.SampleSchema).RunGenerators(compilation);

        // An edit elsewhere in the project: a new compilation, the same schema.
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Probe; internal static class Other { }"));
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.NotEmpty(second.TrackedSteps[TrackingNames.SchemaText]);
        Assert.NotEmpty(second.TrackedSteps[TrackingNames.Generated]);
        var reasons = second.TrackedSteps.Values.SelectMany(steps => steps)
            .Concat(second.TrackedOutputSteps.Values.SelectMany(steps => steps))
            .SelectMany(step => step.Outputs)
            .Select(output => output.Reason)
            .ToList();
        Assert.NotEmpty(reasons);
        Assert.All(reasons, reason => Assert.True(
            reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
            $"step output was {reason}"));
    }

    [Fact]
    public void A_changed_schema_regenerates()
    {
        var compilation = GeneratorHarness.EmptyCompilation();
        var original = new InMemoryAdditionalText(GeneratorHarness.SchemaPath, GeneratorHarness.SampleSchema);
        var changed = GeneratorHarness.SampleSchema.Replace("\"default\": \"demo\"", "\"default\": \"other\"", StringComparison.Ordinal);
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new ConfigGenerator().AsSourceGenerator()],
            additionalTexts: [original],
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGenerators(compilation);

        driver = driver.ReplaceAdditionalText(original, new InMemoryAdditionalText(GeneratorHarness.SchemaPath, changed));
        var result = driver.RunGenerators(compilation).GetRunResult().Results.Single();

        var generated = result.TrackedSteps[TrackingNames.Generated].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        Assert.Contains(generated, r => r is IncrementalStepRunReason.Modified or IncrementalStepRunReason.New);
        Assert.Contains("\"other\"", result.GeneratedSources.Single(s => s.HintName == "SampleSettings.g.cs").SourceText.ToString());
    }
}
