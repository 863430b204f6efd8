using System.Text.Json;
using BertFineTune.Integration.Tests.Support;

namespace BertFineTune.Integration.Tests.Templates;

/// <summary><c>dotnet new bertft</c> from the packed template package, in a private template hive.</summary>
[Collection(PackedFeedCollection.Name)]
public sealed class TemplateTests(PackedFeed feed)
{
    [Fact]
    public async Task Template_instantiates_with_its_parameters_and_the_result_validates()
    {
        var hive = feed.NewDirectory("template-hive");
        var install = await ChildProcess.DotnetAsync(hive, feed.Environment, "new", "install", feed.Package("BertFineTune.Templates"), "--debug:custom-hive", hive);
        Assert.True(install.ExitCode == 0, install.ToString());
        var tinyModel = Path.Combine(RepoPaths.Fixture("tiny-bert"), "model");
        var project = Path.Combine(feed.NewDirectory("template-out"), "Reviews");

        var create = await ChildProcess.DotnetAsync(
            hive, feed.Environment, "new", "bertft", "-o", project, "--model", tinyModel, "--epochs", "2",
            "--text-column", "quote", "--label-column", "topic", "--debug:custom-hive", hive);

        Assert.True(create.ExitCode == 0, create.ToString());
        foreach (var file in new[] { "Reviews.csproj", "bertft.yaml", "data/sample.csv", "dotnet-tools.json", "README.md", ".gitignore" })
        {
            Assert.True(File.Exists(Path.Combine(project, file)), $"{file} is missing from the instantiated template.");
        }

        Assert.False(Directory.Exists(Path.Combine(project, ".template.config")));
        var yaml = await File.ReadAllTextAsync(Path.Combine(project, "bertft.yaml"));
        Assert.Contains($"model_id: {tinyModel}", yaml, StringComparison.Ordinal);
        Assert.Contains("epochs: 2", yaml, StringComparison.Ordinal);
        Assert.Contains("text_column: quote", yaml, StringComparison.Ordinal);
        Assert.Contains("label_column: topic", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("BERTFT_", yaml, StringComparison.Ordinal);
        Assert.StartsWith("quote,topic\n", await File.ReadAllTextAsync(Path.Combine(project, "data", "sample.csv")), StringComparison.Ordinal);

        // The project pins the packages of this very build.
        Assert.Contains($"Include=\"BertFineTune.MSBuild\" Version=\"{feed.Version}\"", await File.ReadAllTextAsync(Path.Combine(project, "Reviews.csproj")), StringComparison.Ordinal);
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(project, "dotnet-tools.json")));
        Assert.Equal(feed.Version, manifest.RootElement.GetProperty("tools").GetProperty("bertft").GetProperty("version").GetString());

        var bertft = await feed.InstallToolAsync();
        var validate = await ChildProcess.RunAsync(bertft, ["validate", "bertft.yaml"], project, feed.Environment);
        Assert.True(validate.ExitCode == 0, validate.ToString());
    }
}
