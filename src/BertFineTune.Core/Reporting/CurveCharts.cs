using ScottPlot;

namespace BertFineTune.Reporting;

/// <summary>Line charts over training steps: loss, evaluation metrics and learning rate.</summary>
internal static class CurveCharts
{
    private const int Width = 900;
    private const int Height = 420;

    // Metrics worth a curve, in legend order. Others (runtime, samples/s) are not quality measures.
    private static readonly string[] CurveMetrics =
        ["accuracy", "f1", "f1_macro", "f1_weighted", "f1_micro", "precision", "recall", "subset_accuracy", "hamming_loss"];

    /// <summary>One chart per curve with at least two points in some series.</summary>
    public static IEnumerable<Chart> Render(IReadOnlyList<LogHistoryEntry> history) =>
        Curves(history).Where(c => !c.IsSinglePoint).Select(c => Line(c.FileName, c.Title, c.YLabel, c.Series));

    /// <summary>
    /// Curves whose every series has one point (a one-epoch run evaluates once): a chart of one dot says nothing, so
    /// the report prints these values instead.
    /// </summary>
    public static IEnumerable<(string Title, IReadOnlyList<(string Name, double Step, double Value)> Points)> SinglePoints(IReadOnlyList<LogHistoryEntry> history) =>
        Curves(history).Where(c => c.IsSinglePoint)
            .Select(c => (c.Title, (IReadOnlyList<(string, double, double)>)[.. c.Series.Where(s => s.Points.Count == 1).Select(s => (s.Name, s.Points[0].Step, s.Points[0].Value))]));

    private static IEnumerable<Curve> Curves(IReadOnlyList<LogHistoryEntry> history)
    {
        if (history.Count == 0)
        {
            yield break;
        }

        var trainLoss = Series(history, entry => entry.Loss);
        var evalLoss = Series(history, entry => entry.Eval("loss"));
        if (trainLoss.Count > 0 || evalLoss.Count > 0)
        {
            yield return new Curve("loss.png", "Loss", "loss", [("training loss", trainLoss), ("evaluation loss", evalLoss)]);
        }

        var metricSeries = new List<(string Name, List<(double Step, double Value)> Points)>();
        foreach (var name in CurveMetrics)
        {
            var points = Series(history, entry => entry.Eval(name));
            // Skip a curve that repeats one already drawn (f1 is f1_macro with more than 2 classes).
            if (points.Count > 0 && !metricSeries.Any(existing => existing.Points.SequenceEqual(points)))
            {
                metricSeries.Add((name, points));
            }
        }

        if (metricSeries.Count > 0)
        {
            yield return new Curve("eval_metrics.png", "Evaluation metrics", "score", metricSeries);
        }

        var learningRate = Series(history, entry => entry.LearningRate);
        if (learningRate.Count > 0)
        {
            yield return new Curve("learning_rate.png", "Learning rate", "learning rate", [("learning rate", learningRate)]);
        }
    }

    private static List<(double Step, double Value)> Series(IEnumerable<LogHistoryEntry> history, Func<LogHistoryEntry, double?> pick) =>
        [.. history
            .Select(entry => (Step: (double)entry.Step, Value: pick(entry)))
            .Where(point => point.Value is { } value && double.IsFinite(value))
            .Select(point => (point.Step, point.Value!.Value))
            .OrderBy(point => point.Step)];

    private static Chart Line(
        string fileName, string title, string yLabel, IReadOnlyList<(string Name, List<(double Step, double Value)> Points)> series)
    {
        var plot = new Plot();
        try
        {
            ChartStyle.Apply(plot);
            var colorIndex = 0;
            foreach (var (name, points) in series)
            {
                if (points.Count == 0)
                {
                    continue;
                }

                var scatter = plot.Add.Scatter(points.Select(p => p.Step).ToArray(), points.Select(p => p.Value).ToArray());
                scatter.LegendText = name;
                scatter.Color = ChartStyle.SeriesColor(colorIndex++);
                scatter.LineWidth = 2;
                scatter.MarkerSize = points.Count <= 60 ? 5 : 0;
            }

            plot.Title(title);
            plot.XLabel("step");
            plot.YLabel(yLabel);
            // Outside the data area: rising metric curves would run under a legend in a corner. One line needs none.
            if (colorIndex > 1)
            {
                plot.ShowLegend(Edge.Right);
            }
            else
            {
                plot.HideLegend();
            }
            return new Chart(fileName, title, ChartPlacement.TrainingCurves, null, plot.GetImageBytes(Width, Height, ImageFormat.Png));
        }
        finally
        {
            plot.Dispose();
        }
    }

    private sealed record Curve(string FileName, string Title, string YLabel, IReadOnlyList<(string Name, List<(double Step, double Value)> Points)> Series)
    {
        public bool IsSinglePoint => Series.All(s => s.Points.Count <= 1);
    }
}
