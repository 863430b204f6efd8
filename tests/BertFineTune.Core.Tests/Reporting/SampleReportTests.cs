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
}
