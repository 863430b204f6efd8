using System.Text.RegularExpressions;
using BertFineTune.Evaluation;
using BertFineTune.Models;
using BertFineTune.Reporting;
using BertFineTune.Tests.Support;

namespace BertFineTune.Tests.Reporting;

public sealed partial class ReportWriterTests
{
    private const string SecretToken = "hf_SeCrEtVaLuE0123456789abcdefXYZ";
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public async Task Training_report_is_self_contained_and_its_charts_are_saved_as_png()
    {
        using var temp = new TempDirectory();
        var data = SampleRun.TrainingReport();

        var files = await ReportWriter.WriteAsync(data, temp.Path);
        var html = await File.ReadAllTextAsync(files.ReportHtmlPath);

        Assert.DoesNotMatch(ExternalReference(), html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("class=\"heatmap\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"split-test\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"split-validation\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"split-train\"", html, StringComparison.Ordinal);
        Assert.Contains("<h3>Evaluations</h3>", html, StringComparison.Ordinal);

        Assert.NotEmpty(files.ChartPaths);
        foreach (var chartPath in files.ChartPaths)
        {
            var bytes = await File.ReadAllBytesAsync(chartPath);
            Assert.True(bytes.Length > 5_000, $"{Path.GetFileName(chartPath)} is only {bytes.Length} bytes.");
            Assert.Equal(PngSignature, bytes[..8]);
        }

        // The curves in the page are the very images saved beside it.
        var loss = await File.ReadAllBytesAsync(Path.Combine(temp.Path, "loss.png"));
        Assert.Contains(Convert.ToBase64String(loss), html, StringComparison.Ordinal);

        var metrics = await MetricsJson.ReadAsync(files.MetricsJsonPath);
        Assert.Equal(data.Metrics.Test!.ToMetricsDictionary(), metrics.Test!.ToMetricsDictionary());
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Temp_files_an_interrupted_write_left_are_removed_and_nothing_else()
    {
        using var temp = new TempDirectory();
        // What kill -9 during a chart write leaves: a zero-byte hidden temp file named after the chart.
        var leftover = Path.Combine(temp.Path, $".loss.png.{Guid.NewGuid():N}.tmp");
        await File.WriteAllBytesAsync(leftover, []);
        string[] userFiles = [Path.Combine(temp.Path, ".notes.tmp"), Path.Combine(temp.Path, ".loss.png.draft.tmp"), Path.Combine(temp.Path, "loss.png.tmp")];
        foreach (var file in userFiles)
        {
            await File.WriteAllTextAsync(file, "mine");
        }

        await ReportWriter.WriteAsync(SampleRun.TrainingReport(), temp.Path);

        Assert.False(File.Exists(leftover));
        Assert.All(userFiles, file => Assert.True(File.Exists(file), file));
    }

    [Fact]
    public async Task The_heat_map_and_per_class_rows_show_the_counts()
    {
        using var temp = new TempDirectory();
        var report = ClassificationMetrics.FromLabelIds([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 1, 0], ["red", "green", "blue"]);

        var files = await ReportWriter.WriteAsync(Evaluation(report), temp.Path);
        var html = await File.ReadAllTextAsync(files.ReportHtmlPath);

        // Row "red": 2 correct (diagonal, share 2/3), 1 predicted green.
        Assert.Contains("<tr><th class=\"row\">red</th><td class=\"diag\"", html, StringComparison.Ordinal);
        Assert.Contains("title=\"true red, predicted red: 2 (66.7%)\">2</td>", html, StringComparison.Ordinal);
        Assert.Contains("title=\"true red, predicted green: 1 (33.3%)\">1</td>", html, StringComparison.Ordinal);
        Assert.Contains("title=\"true blue, predicted red: 1 (100%)\">1</td>", html, StringComparison.Ordinal);

        // Per-class rows: blue is never predicted correctly; its F1 is 0.
        Assert.Contains("<td class=\"label\">blue</td>", html, StringComparison.Ordinal);
        Assert.Matches(PerClassRow("blue", "0.0000", "0.0000", "0.0000", "1", "0"), html);
        Assert.Matches(PerClassRow("green", "0.6667", "1.0000", "0.8000", "2", "3"), html);
    }

    [Fact]
    public async Task Evaluate_report_has_only_a_test_section_and_no_curves()
    {
        using var temp = new TempDirectory();
        var report = ClassificationMetrics.FromLabelIds([0, 1, 1, 0], [0, 1, 0, 0], ["neg", "pos"], loss: 0.4);

        var files = await ReportWriter.WriteAsync(Evaluation(report), temp.Path);
        var html = await File.ReadAllTextAsync(files.ReportHtmlPath);
        var metrics = await MetricsJson.ReadAsync(files.MetricsJsonPath);

        Assert.Equal(["confusion_matrix_test.png", "per_class_test.png"], files.ChartPaths.Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.DoesNotContain("id=\"curves\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"split-validation\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"split-test\"", html, StringComparison.Ordinal);
        Assert.Contains("positive class &quot;pos&quot; (id 1)", html, StringComparison.Ordinal);
        Assert.Null(metrics.Train);
        Assert.Null(metrics.Validation);
        Assert.Equal(report.ToMetricsDictionary(), metrics.Test!.ToMetricsDictionary());
    }

    [Fact]
    public async Task User_strings_are_html_encoded()
    {
        using var temp = new TempDirectory();
        string[] labels = ["<script>alert(1)</script>", "a&b \"quoted\""];
        var report = ClassificationMetrics.FromLabelIds([0, 1, 1], [0, 1, 0], labels);
        var data = Evaluation(report) with
        {
            Run = new RunInfo("models/<img src=x onerror=alert(2)>", "cpu", Details: [new("input", "data/<b>file</b>.csv")]),
        };

        var files = await ReportWriter.WriteAsync(data, temp.Path);
        var html = await File.ReadAllTextAsync(files.ReportHtmlPath);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>file</b>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("a&amp;b &quot;quoted&quot;", html, StringComparison.Ordinal);
        Assert.Contains("data/&lt;b&gt;file&lt;/b&gt;.csv", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secret_config_values_never_reach_the_html()
    {
        using var temp = new TempDirectory();
        var report = ClassificationMetrics.FromLabelIds([0, 1], [0, 1], ["neg", "pos"]);
        var data = Evaluation(report) with
        {
            Config =
            [
                new("hub.token", "plain-looking-value-1"),
                new("wandb.api_key", "plain-looking-value-2"),
                new("notes", SecretToken),
                new("tokenizer.max_length", "128"),
            ],
            Run = new RunInfo("m", "cpu", Details: [new("db_password", "plain-looking-value-3")]),
        };

        var files = await ReportWriter.WriteAsync(data, temp.Path);
        var html = await File.ReadAllTextAsync(files.ReportHtmlPath);

        Assert.DoesNotContain("plain-looking-value", html, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretToken, html, StringComparison.Ordinal);
        Assert.Contains("<tr><th>hub.token</th><td>***</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><th>tokenizer.max_length</th><td>128</td></tr>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Multi_label_report_has_per_label_rows_and_no_confusion_matrix()
    {
        using var temp = new TempDirectory();
        var result = ClassificationMetrics.ComputeMetrics(
            EvalPrediction.MultiLabel([[2f, -2f, 1f], [-2f, 2f, -1f], [2f, 2f, -3f]], [[1, 0, 1], [0, 1, 0], [1, 0, 0]]),
            new MetricsOptions(["humor", "science", "politics"], Loss: 0.2));
        var history = new List<LogHistoryEntry>
        {
            new(10, 0.5, Loss: 0.6, LearningRate: 1e-4),
            new(20, 1.0, Loss: 0.4, LearningRate: 5e-5, EvalMetrics: result.Metrics),
        };

        var files = await ReportWriter.WriteAsync(Evaluation(result.Report) with { LogHistory = history }, temp.Path);
        var html = await File.ReadAllTextAsync(files.ReportHtmlPath);

        Assert.DoesNotContain("class=\"heatmap\"", html, StringComparison.Ordinal);
        Assert.Contains("<h3>Per-label scores</h3>", html, StringComparison.Ordinal);
        Assert.Contains("<td>hamming_loss</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"label\">micro avg</td>", html, StringComparison.Ordinal);
        // One evaluation: its values are printed instead of a chart of single dots.
        Assert.DoesNotContain(files.ChartPaths, path => Path.GetFileName(path) == "eval_metrics.png");
        Assert.Contains("<strong>Evaluation metrics</strong>, one point (step 20): ", html, StringComparison.Ordinal);
        Assert.DoesNotContain(files.ChartPaths, path => Path.GetFileName(path).StartsWith("confusion", StringComparison.Ordinal));
    }

    private static ReportData Evaluation(ClassificationReport report) => new()
    {
        Title = "Evaluation report",
        Run = new RunInfo("runs/demo/model", "cpu"),
        Metrics = MetricsDocument.ForEvaluation(report),
    };

    private static Regex PerClassRow(string label, string precision, string recall, string f1, string support, string predicted) =>
        new($"<td class=\"label\">{label}</td><td class=\"score\"[^>]*>{precision}</td><td class=\"score\"[^>]*>{recall}</td>"
            + $"<td class=\"score\"[^>]*>{f1}</td><td>{support}</td><td>{predicted}</td>");

    // Any src= or href= pointing off the page (http, https or protocol-relative).
    [GeneratedRegex(@"(src|href)\s*=\s*[""']?\s*(https?:|//)", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();
}
