using BertFineTune.Cli.Tests.Support;

namespace BertFineTune.Serve.Tests;

/// <summary><c>bertft serve</c> as a real process: its mistakes are user errors (exit 2, one line each, no stack trace).</summary>
public class ServeCommandTests
{
    [Fact]
    public async Task Bad_options_are_reported_together_before_the_model_is_loaded()
    {
        var missingModel = Path.Combine(Path.GetTempPath(), "bertft-no-model-" + Guid.NewGuid().ToString("N"));

        var result = await Bertft.RunAsync(null, null, "serve", "--model", missingModel, "--urls", "ftp://127.0.0.1:1", "--max-batch", "0", "--batch-window-ms", "-1");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("error BFT410: --urls: 'ftp://127.0.0.1:1' is not an http:// or https:// URL", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("error BFT412: --max-batch: Must be at least 1 (got 0)", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("error BFT412: --batch-window-ms:", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(missingModel, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_that_cannot_be_loaded_is_a_user_error()
    {
        var missingModel = Path.Combine(Path.GetTempPath(), "bertft-no-model-" + Guid.NewGuid().ToString("N"));

        var result = await Bertft.RunAsync(null, null, "serve", "--model", missingModel, "--urls", "http://127.0.0.1:0");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("error BFT", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_model_option_is_required()
    {
        var result = await Bertft.RunAsync("serve");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("model", result.Stderr, StringComparison.Ordinal);
    }
}
