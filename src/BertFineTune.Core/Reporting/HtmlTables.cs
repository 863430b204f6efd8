using System.Globalization;
using System.Text;
using BertFineTune.Evaluation;
using BertFineTune.Models;

namespace BertFineTune.Reporting;

/// <summary>The report's data tables: per-class scores, the confusion-matrix heat map, and the evaluation history.</summary>
internal static class HtmlTables
{
    private static readonly string[] HistoryMetrics =
        ["loss", "accuracy", "f1", "f1_macro", "f1_weighted", "f1_micro", "subset_accuracy", "hamming_loss"];

    public static void AppendPerClass(StringBuilder html, ClassificationReport report)
    {
        var multiLabel = report.ProblemType == ProblemType.MultiLabelClassification;
        html.Append("<table class=\"num perclass\"><thead><tr><th>id</th><th class=\"label\">")
            .Append(multiLabel ? "label" : "class")
            .Append("</th><th>precision</th><th>recall</th><th>F1</th><th>support</th><th>predicted</th></tr></thead><tbody>\n");
        foreach (var row in report.PerClass)
        {
            html.Append("<tr><td>").Append(row.Id.ToString(CultureInfo.InvariantCulture))
                .Append("</td><td class=\"label\">").Append(Html.Encode(row.Label)).Append("</td>");
            AppendScoreCell(html, row.Precision);
            AppendScoreCell(html, row.Recall);
            AppendScoreCell(html, row.F1);
            html.Append("<td>").Append(Html.Integer(row.Support)).Append("</td><td>").Append(Html.Integer(row.Predicted)).Append("</td></tr>\n");
        }

        html.Append("</tbody><tfoot>\n");
        if (report.Binary is { } binary)
        {
            AppendAverageRow(html, $"binary (positive: {report.Labels[1]})", binary, null);
        }

        if (report.Micro is { } micro)
        {
            AppendAverageRow(html, "micro avg", micro, null);
        }

        AppendAverageRow(html, "macro avg", report.Macro, null);
        AppendAverageRow(html, "weighted avg", report.Weighted, report.PerClass.Sum(r => r.Support));
        html.Append("</tfoot></table>\n");
    }

    public static void AppendConfusionMatrix(StringBuilder html, ConfusionMatrix matrix)
    {
        var shares = ConfusionShares.RowShares(matrix);
        var k = matrix.Labels.Count;
        html.Append("<div class=\"scroll\"><table class=\"heatmap\"><thead><tr><th class=\"corner\">true ↓ / predicted →</th>");
        foreach (var label in matrix.Labels)
        {
            html.Append("<th class=\"col\"><span>").Append(Html.Encode(label)).Append("</span></th>");
        }

        html.Append("<th class=\"col\"><span>total</span></th></tr></thead><tbody>\n");
        for (var t = 0; t < k; t++)
        {
            html.Append("<tr><th class=\"row\">").Append(Html.Encode(matrix.Labels[t])).Append("</th>");
            for (var p = 0; p < k; p++)
            {
                var share = shares[t][p];
                var count = matrix.Counts[t][p];
                html.Append("<td").Append(t == p ? " class=\"diag\"" : string.Empty)
                    .Append(" style=\"background:").Append(Html.HeatColor(share))
                    .Append(share > 0.55 ? ";color:#fff" : string.Empty).Append("\" title=\"true ")
                    .Append(Html.Encode(matrix.Labels[t])).Append(", predicted ").Append(Html.Encode(matrix.Labels[p]))
                    .Append(": ").Append(Html.Integer(count)).Append(" (")
                    .Append((share * 100).ToString("0.#", CultureInfo.InvariantCulture)).Append("%)\">")
                    .Append(Html.Integer(count)).Append("</td>");
            }

            html.Append("<td class=\"total\">").Append(Html.Integer(matrix.Counts[t].Sum())).Append("</td></tr>\n");
        }

        html.Append("</tbody></table></div>\n");
    }

    public static void AppendEvalHistory(StringBuilder html, IReadOnlyList<LogHistoryEntry> history)
    {
        var evaluations = history.Where(e => e.EvalMetrics is { Count: > 0 }).OrderBy(e => e.Step).ToList();
        if (evaluations.Count == 0)
        {
            return;
        }

        var present = evaluations.SelectMany(e => e.EvalMetricNames()).ToHashSet(StringComparer.Ordinal);
        var columns = new List<string>();
        foreach (var name in HistoryMetrics.Where(present.Contains))
        {
            // f1 is f1_macro when there are more than 2 classes: one column is enough.
            if (!columns.Any(kept => evaluations.All(e => e.Eval(kept) == e.Eval(name))))
            {
                columns.Add(name);
            }
        }

        html.Append("<h3>Evaluations</h3>\n<table class=\"num\"><thead><tr><th>step</th><th>epoch</th><th>training loss</th>");
        foreach (var column in columns)
        {
            html.Append("<th>").Append(Html.Encode(column == "loss" ? "eval loss" : column)).Append("</th>");
        }

        html.Append("</tr></thead><tbody>\n");
        foreach (var entry in evaluations)
        {
            // The training loss shown is the latest one logged at or before this evaluation, as HF's notebook table does.
            var trainLoss = history.Where(e => e.Loss is not null && e.Step <= entry.Step).MaxBy(e => e.Step)?.Loss;
            html.Append("<tr><td>").Append(Html.Integer(entry.Step)).Append("</td><td>").Append(Html.Number(entry.Epoch, 2))
                .Append("</td><td>").Append(Html.Number(trainLoss)).Append("</td>");
            foreach (var column in columns)
            {
                html.Append("<td>").Append(Html.Number(entry.Eval(column))).Append("</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody></table>\n");
    }

    private static void AppendScoreCell(StringBuilder html, double value) =>
        html.Append("<td class=\"score\" style=\"--v:").Append((value * 100).ToString("0.#", CultureInfo.InvariantCulture))
            .Append("%\">").Append(Html.Number(value)).Append("</td>");

    private static void AppendAverageRow(StringBuilder html, string name, AveragedScores scores, int? support)
    {
        html.Append("<tr><td></td><td class=\"label\">").Append(Html.Encode(name)).Append("</td><td>").Append(Html.Number(scores.Precision))
            .Append("</td><td>").Append(Html.Number(scores.Recall)).Append("</td><td>").Append(Html.Number(scores.F1))
            .Append("</td><td>").Append(support is { } s ? Html.Integer(s) : string.Empty).Append("</td><td></td></tr>\n");
    }
}
