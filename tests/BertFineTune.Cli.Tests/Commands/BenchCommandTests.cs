using System.Text.Json;
using BertFineTune.Cli.Tests.Support;
using BertFineTune.Tests.Support;

namespace BertFineTune.Cli.Tests.Commands;

/// <summary>
/// Runs <c>bertft bench</c> on the tiny fixture model and real fortunes text. Timings are never asserted (the machine
/// is shared); what must hold is the report's shape and that its figures agree with each other.
/// </summary>
public class BenchCommandTests
{
    private static readonly string[] Common =
    [
        "bench", "--model", Path.Combine(RepoPaths.Fixture("tiny-bert"), "model"), "--input", RepoPaths.Data("fortunes", "fortunes.csv"),
        "--text-column", "quote", "--label-column", "topic", "--steps", "3", "--warmup-steps", "1", "--max-length", "32",
    ];

    [Fact]
    public async Task Json_has_every_precision_and_mode_and_its_figures_agree()
    {
        var result = await Bertft.RunAsync([.. Common, "--json"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        var paddingRatio = root.GetProperty("padding_ratio").GetDouble();
        Assert.True(paddingRatio > 1.0, $"fortunes texts differ in length, so batches must pad: {paddingRatio}");
        Assert.Equal(32, root.GetProperty("max_length").GetInt32());
        Assert.True(root.GetProperty("non_embedding_parameters").GetInt64() > 0);

        var results = root.GetProperty("results");
        Assert.Equal(["bf16", "fp32"], results.EnumerateObject().Select(p => p.Name).Order());
        foreach (var precision in results.EnumerateObject())
        {
            var peak = root.GetProperty("peaks").GetProperty(precision.Name);
            var peakGflops = peak.GetProperty("gflops").GetDouble();
            Assert.Equal(peak.GetProperty("gemms").EnumerateArray().Max(g => g.GetProperty("gflops").GetDouble()), peakGflops);
            Assert.Equal(["padded", "unpadded"], precision.Value.EnumerateObject().Select(p => p.Name).Order());
            foreach (var mode in precision.Value.EnumerateObject())
            {
                AssertConsistent(mode.Value, paddingRatio, peakGflops, $"{precision.Name} {mode.Name}");
                var r = mode.Value;
                var flops = r.GetProperty("model_gflops_per_s").GetDouble() * 1e9 * r.GetProperty("samples").GetDouble() / r.GetProperty("samples_per_s").GetDouble();
                var linear = 6.0 * root.GetProperty("non_embedding_parameters").GetInt64() * r.GetProperty("real_tokens").GetDouble();
                Assert.InRange(flops / linear, 1.0, 2.0); // attention adds to 6·N·tokens, and at 32 tokens far less than it
            }
        }
    }

    [Fact]
    public async Task Padded_alone_runs_only_the_padded_mode_and_the_table_names_the_padding_ratio()
    {
        var result = await Bertft.RunAsync([.. Common, "--padded", "--precision", "fp32"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"fp32\s+│\s+padded\s+│\s+3 │", result.Stdout);
        Assert.DoesNotContain("unpadded", result.Stdout);
        Assert.DoesNotContain("bf16", result.Stdout);
        Assert.Matches(@"padding ratio \d+\.\d\d", result.Stdout);
    }

    [Fact]
    public async Task Bad_options_are_named_with_exit_code_2()
    {
        var result = await Bertft.RunAsync([.. Common, "--warmup-steps", "0", "--precision", "fp8"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error BFT314: --precision: must be fp32, bf16 or both (got 'fp8')", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);

        result = await Bertft.RunAsync([.. Common, "--warmup-steps", "0", "--steps", "0"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error BFT314: --warmup-steps: must be at least 1 (got 0)", result.Stderr);
        Assert.Contains("error BFT314: --steps: must be at least 1 (got 0)", result.Stderr);
    }

    private static void AssertConsistent(JsonElement r, double paddingRatio, double peakGflops, string what)
    {
        double D(string name) => r.GetProperty(name).GetDouble();
        const double Relative = 1e-9;
        Assert.Equal(3, r.GetProperty("steps").GetInt32());
        Assert.Equal(3 * 16, r.GetProperty("samples").GetInt64());
        var real = D("real_tokens");
        var padded = D("padded_tokens");
        Assert.True(padded > real && real > 0, $"{what}: padded {padded}, real {real}");
        Assert.Equal(paddingRatio, padded / real, Relative);

        // Every rate is a count over the same timed seconds, so their ratios are the counts' ratios.
        var seconds = D("samples") / D("samples_per_s");
        Assert.Equal(real / seconds, D("real_tokens_per_s"), real / seconds * Relative);
        Assert.Equal(paddingRatio, D("padded_tokens_per_s") / D("real_tokens_per_s"), Relative);
        Assert.Equal(seconds, D("step_time_mean_s") * 3, seconds * 1e-6);
        Assert.True(D("step_time_median_s") > 0, what);

        Assert.Equal(peakGflops, D("peak_gflops"));
        Assert.Equal(D("model_gflops_per_s") / peakGflops, D("peak_share"), Relative);
        Assert.InRange(D("peak_share"), double.Epsilon, 1.0);
        Assert.True(D("peak_rss_mb") > 50, $"{what}: a process with LibTorch loaded has more than 50 MB resident");
    }
}
