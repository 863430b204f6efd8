using BertFineTune.Cli.Tests.Support;
using BertFineTune.Tests.Support;

namespace BertFineTune.Cli.Tests.Commands;

public class BenchCommandTests
{
    [Fact]
    public async Task Reports_fp32_and_bf16_throughput_and_peak_memory()
    {
        var result = await Bertft.RunAsync(
            null,
            null,
            "bench", "--model", Path.Combine(RepoPaths.Fixture("tiny-bert"), "model"), "--input", RepoPaths.Data("fortunes", "fortunes.csv"),
            "--text-column", "quote", "--label-column", "topic", "--steps", "3", "--max-length", "32");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"fp32\s+│\s+3 │\s+\d+\.\d │\s+\d+ │\s+\d+", result.Stdout);
        Assert.Matches(@"bf16\s+│\s+3 │", result.Stdout);
        Assert.Contains("bf16/fp32 speed-up:", result.Stdout);
    }
}
