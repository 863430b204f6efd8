using BertFineTune.Evaluation;
using BertFineTune.Reporting;
using BertFineTune.Tests.Support;

namespace BertFineTune.Tests.Reporting;

/// <summary>Renders the full training report from fortunes-like data; set BERTFT_SAMPLE_REPORT_DIR to keep a copy to look at.</summary>
public sealed class SampleReportTests
{
    [Fact]
    public async Task Training_report_renders_every_chart_from_fortunes_like_data()
    {
        using var temp = new TempDirectory();
        var keep = Environment.GetEnvironmentVariable("BERTFT_SAMPLE_REPORT_DIR");
        var folder = string.IsNullOrEmpty(keep) ? temp.Path : keep;

        var files = await ReportWriter.WriteAsync(SampleRun.TrainingReport(), folder);

        Assert.Equal(
            ["confusion_matrix_test.png", "confusion_matrix_train.png", "confusion_matrix_validation.png", "eval_metrics.png", "learning_rate.png", "loss.png", "per_class_test.png"],
            files.ChartPaths.Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var html = await File.ReadAllTextAsync(files.ReportHtmlPath);
        foreach (var label in new[] { "computers", "politics", "science", "law", "food", "love", "sports", "medicine" })
        {
            Assert.Contains($"<td class=\"label\">{label}</td>", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Multi_label_evaluation_report_renders_from_fortunes_topics()
    {
        using var temp = new TempDirectory();
        var keep = Environment.GetEnvironmentVariable("BERTFT_SAMPLE_REPORT_DIR");
        var folder = string.IsNullOrEmpty(keep) ? temp.Path : Path.Combine(keep, "multilabel");
        var (labels, test) = SampleRun.FortunesTestSplit();

        // Each fortune keeps its topic and, every third row, gains the next topic as a second label.
        var targets = test.Select((id, row) => Enumerable.Range(0, labels.Length)
            .Select(c => c == id || (row % 3 == 0 && c == (id + 1) % labels.Length) ? 1f : 0f).ToArray()).ToArray();
        var random = new Random(5);
        var logits = targets.Select(row => row.Select(t => (float)((t > 0 ? 2.2 : -2.2) + ((random.NextDouble() - 0.5) * 5))).ToArray()).ToArray();
        var result = ClassificationMetrics.ComputeMetrics(
            EvalPrediction.MultiLabel(logits, targets), new MetricsOptions(labels, Loss: 0.31));

        var files = await ReportWriter.WriteAsync(
            new ReportData
            {
                Title = "Evaluation report",
                Run = new RunInfo("runs/fortunes-multilabel/model", "cpu"),
                Metrics = MetricsDocument.ForEvaluation(result.Report),
            },
            folder);

        Assert.Equal(["per_class_test.png"], files.ChartPaths.Select(Path.GetFileName));
        var html = await File.ReadAllTextAsync(files.ReportHtmlPath);
        Assert.Contains("accuracy (subset)", html, StringComparison.Ordinal);
        Assert.InRange(result.Report.HammingLoss!.Value, 0.01, 0.5);
    }
}
