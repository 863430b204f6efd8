using BertFineTune.IO;
namespace BertFineTune.Reporting;

/// <summary>
/// Writes a run's reports into one folder: <c>metrics.json</c>, the PNG charts, and <c>report.html</c>, one
/// self-contained page with the same charts embedded. Every file is written atomically.
/// Used by training (all sections, curves) and by <c>bertft evaluate</c> (a test section only, no curves).
/// </summary>
public static class ReportWriter
{
    /// <summary>The conventional report file name.</summary>
    public const string ReportFileName = "report.html";

    public static async Task<ReportFiles> WriteAsync(ReportData data, string outputDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        Directory.CreateDirectory(outputDirectory);
        // An earlier write killed mid-way (kill -9) left its hidden temp files; they are ours, so they go.
        AtomicFile.CleanLeftovers(outputDirectory);

        var metricsPath = Path.Combine(outputDirectory, MetricsJson.FileName);
        await MetricsJson.WriteAsync(data.Metrics, metricsPath, cancellationToken);

        var charts = RenderCharts(data, cancellationToken);
        var chartPaths = new List<string>(charts.Count);
        foreach (var chart in charts)
        {
            var path = Path.Combine(outputDirectory, chart.FileName);
            await AtomicFile.WriteAllBytesAsync(path, chart.Png, cancellationToken);
            chartPaths.Add(path);
        }

        var reportPath = Path.Combine(outputDirectory, ReportFileName);
        await AtomicFile.WriteAllTextAsync(reportPath, HtmlReport.Build(data, charts), cancellationToken);
        return new ReportFiles(metricsPath, reportPath, chartPaths);
    }

    private static List<Chart> RenderCharts(ReportData data, CancellationToken cancellationToken)
    {
        var charts = new List<Chart>(CurveCharts.Render(data.LogHistory));
        var first = true;
        foreach (var (name, report) in data.Metrics.Sections())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (report.ConfusionMatrix is { } matrix)
            {
                charts.Add(ClassCharts.ConfusionMatrix(name, matrix));
            }

            // Per-class bars for the headline split only (test when present): the tables cover the others.
            if (first)
            {
                charts.Add(ClassCharts.PerClassScores(name, report));
                first = false;
            }
        }

        return charts;
    }
}
