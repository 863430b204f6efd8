using System.Text.RegularExpressions;
using BertFineTune.Integration.Tests.Support;

namespace BertFineTune.Integration.Tests.MSBuild;

/// <summary>
/// A consumer project restores BertFineTune.MSBuild and the bertft local tool from the folder feed and runs
/// <c>dotnet build -t:FineTune</c>, the way a .NET team would.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed partial class FineTuneTargetTests(PackedFeed feed)
{
    private const string Skipped = "Skipping target \"_BertFineTuneTrain\" because all output files are up-to-date";

    [Fact]
    public async Task Trains_then_skips_then_retrains_on_change_and_reports_errors_on_the_yaml_line()
    {
        var project = await CreateConsumerAsync(withLocalTool: true);
        var model = Path.Combine(project, ".cache", "output", "model", "model.safetensors");
        var data = Path.Combine(project, TinyTrainingProject.DataFile);

        // 1. First build: trains.
        var first = await FineTuneAsync(project);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.DoesNotContain(Skipped, first.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(model), first.ToString());
        var firstWrite = File.GetLastWriteTimeUtc(model);

        // 2. Nothing changed: MSBuild skips the target and the model is untouched.
        var second = await FineTuneAsync(project);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains(Skipped, second.Output, StringComparison.Ordinal);
        Assert.Equal(firstWrite, File.GetLastWriteTimeUtc(model));

        // 3. A data file edited: retrains.
        await File.AppendAllTextAsync(data, "\"Real programmers can write assembly code in any language.\",computers\n");
        var afterEdit = await FineTuneAsync(project);
        Assert.True(afterEdit.ExitCode == 0, afterEdit.ToString());
        Assert.DoesNotContain(Skipped, afterEdit.Output, StringComparison.Ordinal);
        Assert.True(File.GetLastWriteTimeUtc(model) > firstWrite, afterEdit.ToString());

        // 4. Different arguments (recorded in the inputs list): retrains.
        var afterArgs = await FineTuneAsync(project, "-p:BertFineTuneArgs=--set hyperparameters.batch_size=4");
        Assert.True(afterArgs.ExitCode == 0, afterArgs.ToString());
        Assert.DoesNotContain(Skipped, afterArgs.Output, StringComparison.Ordinal);

        // 5. A data file deleted: the target runs again and bertft's error reaches MSBuild in canonical form.
        var kept = await File.ReadAllTextAsync(data);
        File.Delete(data);
        var afterDelete = await FineTuneAsync(project);
        Assert.NotEqual(0, afterDelete.ExitCode);
        Assert.Matches(CanonicalError(), afterDelete.Output);
        Assert.Contains("quotes.csv", afterDelete.Output, StringComparison.Ordinal);
        await File.WriteAllTextAsync(data, kept);

        // 6. A config error: MSBuild shows it at its YAML line, so IDEs and CI annotate bertft.yaml.
        var config = Path.Combine(project, "bertft.yaml");
        var yaml = (await File.ReadAllTextAsync(config)).Replace("epochs: 1", "epochs: three", StringComparison.Ordinal);
        await File.WriteAllTextAsync(config, yaml);
        var broken = await FineTuneAsync(project);
        Assert.NotEqual(0, broken.ExitCode);
        var line = TinyTrainingProject.LineOf(yaml, "epochs:");
        Assert.Matches(new Regex($@"bertft\.yaml\({line},\d+\): error BFT0\d\d: "), broken.Output);
    }

    [Fact]
    public async Task A_wrong_tool_path_is_one_clear_error()
    {
        var project = await CreateConsumerAsync(withLocalTool: false);

        var result = await FineTuneAsync(project, $"-p:BertFineTuneToolPath={Path.Combine(project, "no-such-bertft")}");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error BFT502: BertFineTuneToolPath", result.Output, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\S+\(\d+,\d+\): error BFT\d{3}: ")]
    private static partial Regex CanonicalError();

    private Task<ProcessResult> FineTuneAsync(string project, params string[] extra) =>
        ChildProcess.DotnetAsync(project, feed.Environment, ["build", "-t:FineTune", "-v:n", "-nologo", .. extra]);

    private async Task<string> CreateConsumerAsync(bool withLocalTool)
    {
        var project = feed.NewDirectory("consumer");
        await feed.WriteNuGetConfigAsync(Path.Combine(project, "nuget.config"));
        await File.WriteAllTextAsync(Path.Combine(project, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="BertFineTune.MSBuild" Version="{feed.Version}" PrivateAssets="all" />
              </ItemGroup>
            </Project>
            """);
        TinyTrainingProject.Write(project);
        if (withLocalTool)
        {
            await File.WriteAllTextAsync(Path.Combine(project, "dotnet-tools.json"), $$"""
                {
                  "version": 1,
                  "isRoot": true,
                  "tools": {
                    "bertft": { "version": "{{feed.Version}}", "commands": [ "bertft" ], "rollForward": false }
                  }
                }
                """);
            var restore = await ChildProcess.DotnetAsync(project, feed.Environment, "tool", "restore");
            Assert.True(restore.ExitCode == 0, restore.ToString());
        }

        return project;
    }
}
