using System.Text.Json;
using BertFineTune.Cli.Tests.Support;
using BertFineTune.Tests.Support;

namespace BertFineTune.Cli.Tests.Commands;

public class SchemaCommandTests
{
    [Fact]
    public async Task Schema_prints_the_repository_schema()
    {
        var result = await Bertft.RunAsync("schema");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "config.schema.json")), result.Stdout);
        using var document = JsonDocument.Parse(result.Stdout);
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", document.RootElement.GetProperty("$schema").GetString());
    }

    [Fact]
    public async Task Schema_markdown_prints_the_configuration_reference()
    {
        var result = await Bertft.RunAsync(null, null, "schema", "--markdown");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("| `hyperparameters.learning_rate` | number | `5e-5` | > 0, ≤ 1 |", result.Stdout);
        Assert.Contains("### `dataset[]`", result.Stdout);
    }
}
