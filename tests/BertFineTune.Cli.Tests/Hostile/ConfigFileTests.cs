using System.Text;
using BertFineTune.Cli.Tests.Support;
using BertFineTune.Config;
using BertFineTune.Tests.Support;

namespace BertFineTune.Cli.Tests.Hostile;

/// <summary>Issue 12, items 8, 9, 18 and 19: hostile or careless YAML.</summary>
public class ConfigFileTests
{
    [Fact]
    public async Task A_billion_laughs_alias_bomb_is_one_error_not_gigabytes()
    {
        using var temp = new TempDirectory();
        var yaml = new StringBuilder("a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
        for (var level = 1; level <= 10; level++)
        {
            yaml.Append($"a{level}: &a{level} [{string.Join(", ", Enumerable.Repeat($"*a{level - 1}", 10))}]\n");
        }

        yaml.Append("dataset:\n  - filepath: data.csv\n");
        await File.WriteAllTextAsync(temp.File("bomb.yaml"), yaml.ToString());

        var result = await Bertft.RunAsync(temp.Path, null, "validate", "bomb.yaml");

        var error = HostileAssert.OneError(result, "BFT014");
        Assert.Contains("alias bomb", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_many_aliases_and_too_deep_nesting_are_refused_before_the_tree_is_built()
    {
        using var temp = new TempDirectory();
        var aliases = "x: &x 1\nlist: [" + string.Join(", ", Enumerable.Repeat("*x", YamlLimits.MaxAliases + 1)) + "]\n";
        await File.WriteAllTextAsync(temp.File("aliases.yaml"), aliases);
        await File.WriteAllTextAsync(temp.File("deep.yaml"), "x: " + new string('[', 100_000) + new string(']', 100_000) + "\n");

        var many = await Bertft.RunAsync(temp.Path, null, "validate", "aliases.yaml");
        Assert.Contains($"more than {YamlLimits.MaxAliases} aliases", HostileAssert.OneError(many, "BFT014"), StringComparison.Ordinal);

        var deep = await Bertft.RunAsync(temp.Path, null, "validate", "deep.yaml");
        Assert.Contains("nests more than 64 levels", HostileAssert.OneError(deep, "BFT014"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x:\n  ? &a [*a]\n  : 1\n", "would contain itself")]
    [InlineData("a: &a {b: *a}\n", "would contain itself")]
    [InlineData("a: *nowhere\n", "refers to no anchor")]
    public async Task A_value_that_contains_itself_or_an_unknown_alias_is_one_error_not_a_stack_overflow(string yaml, string expected)
    {
        // Found by the fuzzer: YamlDotNet hashed the self-containing key until the stack overflowed (exit 134).
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.File("cycle.yaml"), yaml);

        var result = await Bertft.RunAsync(temp.Path, null, "validate", "cycle.yaml");

        Assert.Contains(expected, HostileAssert.OneError(result, "BFT001"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_100k_entry_label_map_validates_and_a_file_past_the_size_limit_is_refused()
    {
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.File("data.csv"), "text,label\na,0\nb,1\n");
        var map = new StringBuilder("dataset:\n  - filepath: data.csv\n    label_map:\n");
        for (var i = 0; i < 100_000; i++)
        {
            map.Append($"      \"{i}\": label_{i}\n");
        }

        await File.WriteAllTextAsync(temp.File("big.yaml"), map.ToString());
        var big = await Bertft.RunAsync(temp.Path, null, "validate", "big.yaml");
        Assert.True(big.ExitCode == 0, big.ToString());
        // The summary cuts the 1.7 MB value instead of wrapping all of it into the table (what made validate superlinear).
        Assert.Contains("characters in all; see the config file", big.Stdout, StringComparison.Ordinal);
        Assert.InRange(big.Stdout.Length, 0, 50_000);

        // Past the limit: a comment line repeated, so the file is valid YAML and only its size is wrong.
        await using (var writer = new StreamWriter(temp.File("huge.yaml")))
        {
            var line = "# " + new string('x', 1000);
            for (long written = 0; written <= YamlLimits.MaxFileBytes; written += line.Length + 1)
            {
                await writer.WriteLineAsync(line);
            }
        }

        var huge = await Bertft.RunAsync(temp.Path, null, "validate", "huge.yaml");
        Assert.Contains("larger than 8 MiB", HostileAssert.OneError(huge, "BFT013"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("seed: 1\nhyperparameters:\n\tepochs: 2\n", 3, 1)]
    [InlineData("seed: 1\nbase_model:\n  model_id: x\ntraining:\n\toutput_dir: out\n", 5, 1)]
    [InlineData("a:\n  b: 1\n\tc: 2\n", 3, 1)]
    public async Task A_tab_in_the_indentation_is_reported_at_its_own_line(string yaml, int line, int column)
    {
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.File("tabs.yaml"), yaml);

        var result = await Bertft.RunAsync(temp.Path, null, "validate", "tabs.yaml");

        var error = HostileAssert.OneError(result, "BFT001");
        Assert.StartsWith($"tabs.yaml({line},{column}): error BFT001: a tab is used for indentation", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Numbers_too_large_to_represent_are_out_of_range_not_the_wrong_type()
    {
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.File("data.csv"), "text,label\na,0\nb,1\n");
        await File.WriteAllTextAsync(temp.File("numbers.yaml"), "seed: 99999999999999999999999\ndataset:\n  - filepath: data.csv\nhyperparameters:\n  learning_rate: 1e999\n  epochs: 1e999\n");

        var result = await Bertft.RunAsync(temp.Path, null, "validate", "numbers.yaml");

        Assert.True(result.ExitCode == 2, result.ToString());
        var errors = result.Stderr.Split('\n').Where(l => l.Contains(": error ", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, errors.Count);
        Assert.All(errors, e => Assert.Contains("error BFT004:", e, StringComparison.Ordinal));
        Assert.All(errors, e => Assert.Contains("is out of range", e, StringComparison.Ordinal));
        Assert.DoesNotContain("found the number", result.Stderr, StringComparison.Ordinal);
    }
}
