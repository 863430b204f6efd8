using System.Text.Json;
using BertFineTune.Config;
using BertFineTune.Native;
using BertFineTune.Reporting;
using BertFineTune.Tests.Support;
using BertFineTune.Tests.Training.Support;
using BertFineTune.Training;
using BertFineTune.Training.Precision;
using static TorchSharp.torch;

namespace BertFineTune.Tests.Reporting;

/// <summary>What report.html says is what a person can read: precision in words, real FLOPs, values for one-point curves.</summary>
public sealed class ReadableReportTests
{
    public ReadableReportTests() => TorchNativeLoader.EnsureLoaded();

    [Fact]
    public void Precision_is_written_in_words()
    {
        Assert.Equal("fp32", PrecisionPlan.Resolve(bf16: false, fp16: false, CPU).ToString());
        Assert.Equal("bf16 matmuls, fp32 master weights", PrecisionPlan.Resolve(bf16: true, fp16: false, CPU).ToString());
        Assert.Equal("bf16 matmuls, fp32 master weights (fp16 asked for; no CUDA)", PrecisionPlan.Resolve(bf16: false, fp16: true, CPU).ToString());
    }

    [Fact]
    public async Task Total_flos_is_six_times_non_embedding_parameters_times_tokens_and_survives_in_trainer_state()
    {
        using var dir = new TempDirectory();
        var options = TrainerHarness.Options(dir.Path) with { Epochs = 1, SaveStrategy = IntervalStrategy.Epoch };
        var (result, model) = await TrainerHarness.Train(options, SyntheticTask.SingleLabel(16, 1));

        var parameters = model.parameters().Sum(p => p.numel())
            - model.named_modules().Where(m => m.module is TorchSharp.Modules.Embedding).SelectMany(m => m.module.parameters()).Sum(p => p.numel());
        var flos = result.Metrics["total_flos"];
        var tokens = flos / (6.0 * parameters);

        // Two batches of 8, each padded to its longest text: a whole number of padded tokens, at most 2 × 8 × max_length.
        Assert.True(flos > 0);
        Assert.Equal(Math.Round(tokens), tokens, 6);
        Assert.InRange(tokens, 16, 16 * options.MaxLength);
        using var state = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir.Path, "checkpoint-2", "trainer_state.json")));
        Assert.Equal(flos, state.RootElement.GetProperty("total_flos").GetDouble());
    }

    [Fact]
    public async Task A_curve_with_one_point_is_shown_as_its_values_not_as_an_empty_chart()
    {
        using var temp = new TempDirectory();
        var sample = SampleRun.TrainingReport();

        // Several loss logs, one evaluation.
        var oneEvaluation = sample.LogHistory.Where(e => e.EvalMetrics is null || e.Step == 155).ToList();
        var files = await ReportWriter.WriteAsync(sample with { LogHistory = oneEvaluation }, temp.Path);
        var html = await File.ReadAllTextAsync(files.ReportHtmlPath);

        Assert.False(File.Exists(Path.Combine(temp.Path, "eval_metrics.png")));
        Assert.True(File.Exists(Path.Combine(temp.Path, "loss.png")));
        var accuracy = oneEvaluation.Single(e => e.EvalMetrics is not null).Eval("accuracy")!.Value;
        Assert.Contains($"<strong>Evaluation metrics</strong>, one point (step 155): accuracy {Html.Number(accuracy)}", html, StringComparison.Ordinal);
    }
}
