using BertFineTune.Cli.Tests.Support;

namespace BertFineTune.Cli.Tests.Commands;

public class VersionCommandTests
{
    [Fact]
    public async Task Version_prints_the_runtime_and_runs_a_tensor_operation()
    {
        var result = await Bertft.RunAsync("--version");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("TorchSharp 0.107.0", result.Stdout);
        Assert.Contains("LibTorch 2.10", result.Stdout);
        Assert.Contains("CUDA not available", result.Stdout);
        Assert.Contains("= 30", result.Stdout);
    }

    [Fact]
    public async Task An_unknown_command_is_a_user_error_without_a_stack_trace()
    {
        var result = await Bertft.RunAsync("frobnicate");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Unknown command 'frobnicate'", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }
}
