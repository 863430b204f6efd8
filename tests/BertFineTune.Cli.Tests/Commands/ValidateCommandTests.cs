using BertFineTune.Cli.Tests.Support;
using BertFineTune.Tests.Support;

namespace BertFineTune.Cli.Tests.Commands;

public class ValidateCommandTests
{
    [Fact]
    public async Task The_spam_example_is_valid_and_its_effective_settings_are_printed()
    {
        var result = await Bertft.RunAsync(RepoPaths.Root, null, "validate", "examples/spam/config.yaml");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("is valid", result.Stdout);
        Assert.Contains("sentence-transformers/all-MiniLM-L6-v2", result.Stdout);
        Assert.Contains("dataset[1].label_map", result.Stdout);
        Assert.Contains("{0: ham, 1: spam}", result.Stdout);
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public async Task Acceptance_all_four_errors_each_with_its_line_exit_2_and_no_stack_trace()
    {
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.File("bad.yaml"), """
            dataset:
              - filepath: data.csv
            training:
              split_ratio: [0.8, 0.2, 0.2]
            hyperparameters:
              learning_rat: 3e-5
              epochs: three
              batch_size: -4
            """);

        var result = await Bertft.RunAsync(temp.Path, null, "validate", "bad.yaml");

        Assert.True(result.ExitCode == 2, result.ToString());
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            [
                "bad.yaml(4,16): error BFT020: training.split_ratio: the shares sum to 1.2; they must sum to 1 (±1e-6), for example [0.8, 0.1, 0.1] for train/validation/test.",
                "bad.yaml(6,3): error BFT002: hyperparameters.learning_rat: unknown key 'learning_rat' in hyperparameters; did you mean learning_rate?",
                "bad.yaml(7,11): error BFT003: hyperparameters.epochs: expected a whole number, found the text 'three'.",
                "bad.yaml(8,15): error BFT004: hyperparameters.batch_size: must be at least 1; found -4.",
            ],
            lines);
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public async Task Set_overrides_are_applied_and_their_errors_name_the_argument()
    {
        var ok = await Bertft.RunAsync(RepoPaths.Root, null, "validate", "examples/spam/config.yaml", "--set", "hyperparameters.epochs=9");
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Matches(@"hyperparameters\.epochs\s+│ 9 ", ok.Stdout);

        var bad = await Bertft.RunAsync(RepoPaths.Root, null, "validate", "examples/spam/config.yaml", "--set", "hyperparameters.epoch=9");
        Assert.True(bad.ExitCode == 2, bad.ToString());
        Assert.Contains("--set hyperparameters.epoch: error BFT002: hyperparameters.epoch: unknown key 'epoch' in hyperparameters; did you mean epochs?", bad.Stderr);
    }

    [Fact]
    public async Task Secrets_are_masked_in_the_summary_and_a_literal_secret_warns_without_echoing()
    {
        using var temp = new TempDirectory();
        const string secret = "hf_DoNotPrintThisToken42";
        await File.WriteAllTextAsync(temp.File("c.yaml"), $"dataset:\n  - filepath: d.csv\ncredentials:\n  huggingface_token: {secret}\n");

        var result = await Bertft.RunAsync(temp.Path, null, "validate", "c.yaml");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("c.yaml(4,22): warning BFT030: credentials.huggingface_token:", result.Stderr);
        Assert.Contains("(set, hidden)", result.Stdout);
        Assert.DoesNotContain(secret, result.Stdout + result.Stderr);
    }

    [Fact]
    public async Task A_missing_config_file_is_a_user_error()
    {
        using var temp = new TempDirectory();

        var result = await Bertft.RunAsync(temp.Path, null, "validate", "missing.yaml");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error BFT010: config file not found", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }
}
