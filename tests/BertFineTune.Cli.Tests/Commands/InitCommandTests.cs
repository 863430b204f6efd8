using BertFineTune.Cli.Tests.Support;
using BertFineTune.Tests.Support;

namespace BertFineTune.Cli.Tests.Commands;

public class InitCommandTests
{
    [Fact]
    public async Task Init_writes_a_starter_config_that_validates()
    {
        using var temp = new TempDirectory();

        var result = await Bertft.RunAsync(temp.Path, null, "init", "my.yaml");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = await File.ReadAllLinesAsync(temp.File("my.yaml"));
        // Outside a checkout there is no config.schema.json above, so init writes one beside the config.
        Assert.Equal("# yaml-language-server: $schema=config.schema.json", lines[0]);
        Assert.True(File.Exists(temp.File("config.schema.json")));
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp"));

        var validate = await Bertft.RunAsync(temp.Path, null, "validate", "my.yaml");
        Assert.True(validate.ExitCode == 0, validate.ToString());
    }

    [Fact]
    public async Task Init_inside_the_repository_points_at_its_schema()
    {
        var folder = Path.Combine(RepoPaths.Root, "tests", "BertFineTune.Cli.Tests", "bin", "init-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            var result = await Bertft.RunAsync(folder, null, "init");

            Assert.True(result.ExitCode == 0, result.ToString());
            var first = (await File.ReadAllLinesAsync(Path.Combine(folder, "config.yaml")))[0];
            // stands-alone: relative to the test's own folder four levels down, not to this file.
            Assert.Equal("# yaml-language-server: $schema=../../../../config.schema.json", first);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Init_refuses_to_overwrite_unless_forced()
    {
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.File("config.yaml"), "mine");

        var refused = await Bertft.RunAsync(temp.Path, null, "init", "--schema", "https://example.invalid/s.json");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("error BFT040", refused.Stderr);
        Assert.Contains("--force", refused.Stderr);
        Assert.Equal("mine", await File.ReadAllTextAsync(temp.File("config.yaml")));

        var forced = await Bertft.RunAsync(temp.Path, null, "init", "--force", "--schema", "https://example.invalid/s.json");

        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.StartsWith("# yaml-language-server: $schema=https://example.invalid/s.json\n", await File.ReadAllTextAsync(temp.File("config.yaml")));
    }
}
