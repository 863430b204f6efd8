using BertFineTune.Evaluation;
using ScottPlot;

namespace BertFineTune.Reporting;

/// <summary>Per-split charts: the confusion-matrix heat map and per-class F1 bars.</summary>
internal static class ClassCharts
{
    /// <summary>A heat map coloured by each true class's share (so small classes stay visible), with the counts written in.</summary>
    public static Chart ConfusionMatrix(string split, ConfusionMatrix matrix)
    {
        var k = matrix.Labels.Count;
        var shares = ConfusionShares.RowShares(matrix);
        var data = new double[k, k];
        for (var t = 0; t < k; t++)
        {
            for (var p = 0; p < k; p++)
            {
                data[t, p] = shares[t][p];
            }
        }

        var plot = new Plot();
        try
        {
            ChartStyle.Apply(plot);
            var heatmap = plot.Add.Heatmap(data);
            heatmap.Colormap = new ReportColormap();
            heatmap.ManualRange = new ScottPlot.Range(0, 1);

            var fontSize = k <= 10 ? 14 : k <= 20 ? 10 : 7;
            for (var t = 0; t < k; t++)
            {
                for (var p = 0; p < k; p++)
                {
                    var text = plot.Add.Text(matrix.Counts[t][p].ToString(System.Globalization.CultureInfo.InvariantCulture), p, k - 1 - t);
                    text.LabelAlignment = Alignment.MiddleCenter;
                    text.LabelFontSize = fontSize;
                    text.LabelFontColor = shares[t][p] > 0.55 ? Colors.White : Color.FromHex("#222222");
                }
            }

            var positions = Enumerable.Range(0, k).Select(i => (double)i).ToArray();
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, [.. matrix.Labels.Select(Shorten)]);
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                positions, [.. Enumerable.Range(0, k).Select(i => Shorten(matrix.Labels[k - 1 - i]))]);
            plot.Axes.Bottom.TickLabelStyle.Rotation = k > 4 ? -45 : 0;
            plot.Axes.Bottom.TickLabelStyle.Alignment = k > 4 ? Alignment.MiddleRight : Alignment.UpperCenter;
            // Rotated names need room below the axis, or the longest is cut off.
            var longest = matrix.Labels.Max(label => Shorten(label).Length);
            plot.Axes.Bottom.MinimumSize = k > 4 ? Math.Clamp(30 + (longest * 7), 60, 220) : 40;
            plot.Axes.SetLimits(-0.5, k - 0.5, -0.5, k - 0.5);
            plot.Grid.IsVisible = false;
            plot.Add.ColorBar(heatmap);

            plot.Title($"Confusion matrix ({split}); colour = share of the true class", size: 15);
            plot.XLabel("predicted");
            plot.YLabel("true");
            var side = Math.Clamp(220 + (k * 48), 480, 1400);
            var png = plot.GetImageBytes(side + 110, side, ImageFormat.Png);
            return new Chart($"confusion_matrix_{split}.png", $"Confusion matrix ({split})", ChartPlacement.ConfusionMatrix, split, png);
        }
        finally
        {
            plot.Dispose();
        }
    }

    /// <summary>Horizontal bars of per-class precision, recall and F1.</summary>
    public static Chart PerClassScores(string split, ClassificationReport report)
    {
        var rows = report.PerClass;
        var plot = new Plot();
        try
        {
            ChartStyle.Apply(plot);
            (string Name, Func<ClassScores, double> Pick)[] metrics =
                [("precision", r => r.Precision), ("recall", r => r.Recall), ("F1", r => r.F1)];
            const double groupWidth = 0.8;
            var barHeight = groupWidth / metrics.Length;
            for (var m = 0; m < metrics.Length; m++)
            {
                var color = ChartStyle.SeriesColor(m);
                var bars = rows.Select((row, i) => new Bar
                {
                    Position = rows.Count - 1 - i - (groupWidth / 2) + (barHeight * (metrics.Length - 1 - m)) + (barHeight / 2),
                    Value = metrics[m].Pick(row),
                    Size = barHeight * 0.92,
                    FillColor = color,
                    LineWidth = 0,
                }).ToList();
                var barPlot = plot.Add.Bars(bars);
                barPlot.Horizontal = true;
                barPlot.LegendText = metrics[m].Name;
            }

            var positions = Enumerable.Range(0, rows.Count).Select(i => (double)i).ToArray();
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                positions, [.. Enumerable.Range(0, rows.Count).Select(i => Shorten(rows[rows.Count - 1 - i].Label))]);
            plot.Axes.SetLimits(0, 1.02, -0.6, rows.Count - 0.4);
            plot.Grid.YAxisStyle.IsVisible = false;
            plot.ShowLegend(Edge.Right);
            var title = $"Per-{(report.ProblemType == Models.ProblemType.MultiLabelClassification ? "label" : "class")} scores ({split})";
            plot.Title(title);
            plot.XLabel("score");
            var height = Math.Clamp(120 + (rows.Count * 54), 300, 2400);
            var png = plot.GetImageBytes(900, height, ImageFormat.Png);
            return new Chart($"per_class_{split}.png", title, ChartPlacement.PerClass, split, png);
        }
        finally
        {
            plot.Dispose();
        }
    }

    // Long label names would squeeze the plot area; the HTML tables show them in full.
    private static string Shorten(string label) => label.Length <= 24 ? label : label[..23] + "…";
}
