using System.Globalization;
using System.Text;
using BertFineTune.Evaluation;
using BertFineTune.Models;

namespace BertFineTune.Reporting;

/// <summary>Builds report.html: one page, no scripts, no external resources; charts are embedded PNGs.</summary>
internal static class HtmlReport
{
    public static string Build(ReportData data, IReadOnlyList<Chart> charts)
    {
        var html = new StringBuilder(64 * 1024);
        var sections = data.Metrics.Sections().ToList();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(Html.Encode(data.Title)).Append(" — ").Append(Html.Encode(data.Run.ModelId)).Append("</title>\n")
            .Append("<style>").Append(HtmlStyles.Css).Append("</style>\n</head>\n<body>\n<main>\n");

        AppendHeader(html, data);
        AppendResults(html, data.Metrics, sections);
        AppendCurves(html, data.LogHistory, charts, ClassWeighted(data.Config));
        foreach (var (name, report) in sections)
        {
            AppendSplit(html, name, report, charts);
        }

        AppendKeyValues(html, "Configuration", "config", data.Config, "No configuration was recorded.");
        html.Append("<footer>Written by bertft ")
            .Append(Html.Encode(typeof(HtmlReport).Assembly.GetName().Version?.ToString(3)))
            .Append(" on ").Append(Html.Encode(DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)))
            .Append(". Metrics follow scikit-learn (zero_division=0).</footer>\n</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void AppendHeader(StringBuilder html, ReportData data)
    {
        var run = data.Run;
        html.Append("<header><h1>").Append(Html.Encode(data.Title)).Append("</h1><p class=\"sub\">")
            .Append(Html.Encode(run.ModelId)).Append(" · ")
            .Append(data.Metrics.ProblemType == ProblemType.MultiLabelClassification ? "multi-label" : "single-label")
            .Append(" · ").Append(Html.Integer(data.Metrics.Labels.Count)).Append(" labels</p></header>\n");

        var rows = new List<KeyValuePair<string, string>>
        {
            new("model", run.ModelId),
            new("device", run.Device),
        };
        if (run.StartedAt is { } started)
        {
            rows.Add(new("started", started.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)));
        }

        if (run.Duration is { } duration)
        {
            rows.Add(new("duration", Html.Duration(duration)));
        }

        rows.AddRange(run.Details ?? []);
        rows.Add(new("labels", string.Join(", ", data.Metrics.Labels)));
        AppendKeyValues(html, "Run", "run", rows, string.Empty);
    }

    private static void AppendResults(StringBuilder html, MetricsDocument metrics, List<(string Name, ClassificationReport Report)> sections)
    {
        html.Append("<section id=\"results\"><h2>Results</h2>\n");
        if (sections.Count == 0)
        {
            html.Append("<p class=\"empty\">No evaluation was run.</p></section>\n");
            return;
        }

        var headline = sections[0].Report;
        html.Append("<div class=\"cards\">");
        AppendCard(html, "accuracy" + (headline.ProblemType == ProblemType.MultiLabelClassification ? " (subset)" : string.Empty), headline.Accuracy);
        AppendCard(html, $"F1 ({headline.HeadlineAverage})", headline.F1);
        if (headline.HeadlineAverage != "macro")
        {
            AppendCard(html, "F1 macro", headline.Macro.F1);
        }

        AppendCard(html, "F1 weighted", headline.Weighted.F1);
        if (headline.Loss is { } loss)
        {
            AppendCard(html, "loss", loss);
        }

        html.Append("</div><p class=\"note\">Cards show the ").Append(Html.Encode(sections[0].Name)).Append(" split. ")
            .Append(Html.Encode(HeadlineNote(headline))).Append("</p>\n");

        var tables = sections.Select(s => (s.Name, Metrics: s.Report.ToMetricsDictionary())).ToList();
        var keys = tables.SelectMany(t => t.Metrics.Keys).Distinct(StringComparer.Ordinal).ToList();
        html.Append("<table class=\"num\"><thead><tr><th>metric</th>");
        foreach (var (name, _) in tables)
        {
            html.Append("<th>").Append(Html.Encode(name)).Append("</th>");
        }

        html.Append("</tr></thead><tbody>\n<tr><td>examples</td>");
        foreach (var (_, report) in sections)
        {
            html.Append("<td>").Append(Html.Integer(report.NumSamples)).Append("</td>");
        }

        html.Append("</tr>\n");
        foreach (var key in keys)
        {
            html.Append("<tr><td>").Append(Html.Encode(key)).Append("</td>");
            foreach (var (_, values) in tables)
            {
                html.Append("<td>").Append(Html.Number(values.TryGetValue(key, out var v) ? v : null)).Append("</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody></table>\n");
        if (metrics.Summary is { Count: > 0 } summary)
        {
            html.Append("<h3>Run totals</h3>\n");
            AppendKeyValues(html, null, "summary", [.. summary.Select(kv => new KeyValuePair<string, string>(kv.Key, SummaryValue(kv.Key, kv.Value)))], string.Empty);
        }

        html.Append("</section>\n");
    }

    /// <summary>Run totals in the units a reader expects: a duration, rates with one decimal, FLOPs in scientific notation.</summary>
    private static string SummaryValue(string key, double value) => key switch
    {
        "train_runtime" => Html.Duration(TimeSpan.FromSeconds(value)),
        "total_flos" => value.ToString("0.00e+0", CultureInfo.InvariantCulture) + " (6 × non-embedding parameters × tokens)",
        "epoch" => Html.Number(value, 2),
        "step" => Html.Integer((long)value),
        _ when key.EndsWith("_per_second", StringComparison.Ordinal) => Html.Number(value, 1),
        _ => Html.Number(value),
    };

    private static string HeadlineNote(ClassificationReport report) => report.HeadlineAverage switch
    {
        "binary" => $"precision, recall and f1 are for the positive class \"{report.Labels[1]}\" (id 1).",
        "micro" => "precision, recall and f1 are micro averages over all labels; accuracy is subset accuracy.",
        _ => "precision, recall and f1 are macro averages over the classes seen.",
    };

    private static void AppendCard(StringBuilder html, string label, double value) =>
        html.Append("<div class=\"card\"><div class=\"value\">").Append(Html.Number(value))
            .Append("</div><div class=\"label\">").Append(Html.Encode(label)).Append("</div></div>");

    // Training evaluates with the class-weighted loss it optimises; the Results table's loss is the plain one.
    private static bool ClassWeighted(IReadOnlyList<KeyValuePair<string, string>> config) =>
        config.Any(kv => kv.Key == "hyperparameters.class_weights" && kv.Value != "none");

    private static void AppendCurves(StringBuilder html, IReadOnlyList<LogHistoryEntry> history, IReadOnlyList<Chart> charts, bool classWeighted)
    {
        var curves = charts.Where(c => c.Placement == ChartPlacement.TrainingCurves).ToList();
        if (history.Count == 0 && curves.Count == 0)
        {
            return;
        }

        html.Append("<section id=\"curves\"><h2>Training curves</h2>\n<div class=\"charts\">");
        foreach (var chart in curves)
        {
            html.Append("<figure>").Append(Html.PngImage(chart.Png, chart.Title))
                .Append("<figcaption>").Append(Html.Encode(chart.FileName)).Append("</figcaption></figure>");
        }

        html.Append("</div>\n");
        foreach (var (title, points) in CurveCharts.SinglePoints(history))
        {
            var steps = points.Select(p => (long)p.Step).Distinct().ToList();
            html.Append("<p class=\"point\"><strong>").Append(Html.Encode(title)).Append("</strong>, one point")
                .Append(steps.Count == 1 ? $" (step {Html.Integer(steps[0])})" : string.Empty).Append(": ")
                .AppendJoin(", ", points.Select(p => Html.Encode(p.Name) + " " + Html.Number(p.Value) + (steps.Count == 1 ? string.Empty : $" at step {Html.Integer((long)p.Step)}")))
                .Append("</p>\n");
        }

        HtmlTables.AppendEvalHistory(html, history);
        if (classWeighted && history.Any(e => e.Eval("loss") is not null))
        {
            html.Append("<p class=\"note\">The evaluation loss during training is class-weighted (class_weights), as the loss being optimised; the loss in Results is unweighted, as <code>bertft evaluate</code> computes it.</p>\n");
        }
        html.Append("</section>\n");
    }

    private static void AppendSplit(StringBuilder html, string name, ClassificationReport report, IReadOnlyList<Chart> charts)
    {
        html.Append("<section id=\"split-").Append(Html.Encode(name)).Append("\"><h2>")
            .Append(Html.Encode(char.ToUpperInvariant(name[0]) + name[1..])).Append(" set</h2>\n<p class=\"note\">")
            .Append(Html.Integer(report.NumSamples)).Append(" examples");
        if (report.Threshold is { } threshold)
        {
            html.Append(", threshold ").Append(Html.Number(threshold, 2));
        }

        html.Append(".</p>\n<h3>Per-").Append(report.ProblemType == ProblemType.MultiLabelClassification ? "label" : "class").Append(" scores</h3>\n");
        HtmlTables.AppendPerClass(html, report);
        foreach (var chart in charts.Where(c => c.Split == name && c.Placement == ChartPlacement.PerClass))
        {
            html.Append("<figure>").Append(Html.PngImage(chart.Png, chart.Title))
                .Append("<figcaption>").Append(Html.Encode(chart.FileName)).Append("</figcaption></figure>\n");
        }

        if (report.ConfusionMatrix is { } matrix)
        {
            html.Append("<h3>Confusion matrix</h3>\n<p class=\"note\">Rows are true classes, columns predicted; the colour is the share of the row. Also saved as confusion_matrix_")
                .Append(Html.Encode(name)).Append(".png.</p>\n");
            HtmlTables.AppendConfusionMatrix(html, matrix);
        }

        html.Append("</section>\n");
    }

    private static void AppendKeyValues(StringBuilder html, string? title, string id, IReadOnlyList<KeyValuePair<string, string>> rows, string emptyText)
    {
        if (title is not null)
        {
            html.Append("<section id=\"").Append(id).Append("\"><h2>").Append(Html.Encode(title)).Append("</h2>\n");
        }

        if (rows.Count == 0)
        {
            html.Append("<p class=\"empty\">").Append(Html.Encode(emptyText)).Append("</p>\n");
        }
        else
        {
            html.Append("<table class=\"kv\"><tbody>\n");
            foreach (var (key, value) in rows)
            {
                // Masked here as well, whatever the caller did: a report is easy to share by mistake.
                html.Append("<tr><th>").Append(Html.Encode(key)).Append("</th><td>")
                    .Append(Html.Encode(SecretMasker.MaskValue(key, value))).Append("</td></tr>\n");
            }

            html.Append("</tbody></table>\n");
        }

        if (title is not null)
        {
            html.Append("</section>\n");
        }
    }
}
