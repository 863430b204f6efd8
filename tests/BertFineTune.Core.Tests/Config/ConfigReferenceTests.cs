using BertFineTune.Config;
using BertFineTune.Tests.Support;

namespace BertFineTune.Tests.Config;

public class ConfigReferenceTests
{
    [Fact]
    public void The_readme_configuration_reference_is_current()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md")).ReplaceLineEndings("\n");
        var start = readme.IndexOf(ConfigReference.StartMarker, StringComparison.Ordinal);
        var end = readme.IndexOf(ConfigReference.EndMarker, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "README.md lacks the config-reference markers.");

        var section = readme[(start + ConfigReference.StartMarker.Length)..end].Trim('\n') + "\n";

        // When this fails: paste the output of `bertft schema --markdown` between the markers in README.md.
        Assert.Equal(ConfigReference.ToMarkdown(ConfigSchema.ReadJson()), section);
    }

    [Fact]
    public void The_embedded_schema_is_the_repository_file()
    {
        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "config.schema.json")), ConfigSchema.ReadJson());
    }

    [Fact]
    public void Every_generated_key_appears_in_the_reference()
    {
        var markdown = ConfigReference.ToMarkdown(ConfigSchema.ReadJson());
        var keys = new BertFineTuneConfig { Dataset = [new DatasetEntry { Filepath = "a" }] }.Describe()
            .Select(s => s.Key.Replace("dataset[0]", "dataset[]", StringComparison.Ordinal));

        Assert.All(keys, key => Assert.Contains($"`{key}", markdown));
    }

    [Fact]
    public void The_starter_config_is_valid()
    {
        var loaded = TestConfigs.Load(string.Join('\n', StarterConfig.Render("config.schema.json").Split('\n').Skip(1)));

        Assert.Equal("distilbert-base-uncased", loaded.Config.BaseModel.ModelId);
        Assert.Empty(loaded.Warnings);
    }
}
