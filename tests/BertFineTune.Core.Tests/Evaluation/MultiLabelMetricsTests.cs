using BertFineTune.Evaluation;
using BertFineTune.Models;

namespace BertFineTune.Tests.Evaluation;

/// <summary>Multi-label metrics against a hand-worked example (scikit-learn semantics for multi-hot input).</summary>
public sealed class MultiLabelMetricsTests
{
    private const double Tolerance = 1e-9;
    private static readonly string[] Labels = ["a", "b", "c"];

    // Row 0 misses c; row 1 adds c; rows 2 and 3 are exact.
    private static readonly float[][] Targets = [[1, 0, 1], [0, 1, 0], [1, 1, 0], [0, 0, 0]];
    private static readonly bool[][] Predicted =
    [
        [true, false, false],
        [false, true, true],
        [true, true, false],
        [false, false, false],
    ];

    [Fact]
    public void Micro_macro_subset_accuracy_and_hamming_loss_match_the_hand_computation()
    {
        var report = ClassificationMetrics.FromMultiHot(ToBool(Targets), Predicted, Labels);

        // a: TP 2 FP 0 FN 0; b: TP 2 FP 0 FN 0; c: TP 0 FP 1 FN 1.
        Assert.Equal([1.0, 1.0, 0.0], report.PerClass.Select(r => r.F1));
        Assert.Equal([2, 2, 1], report.PerClass.Select(r => r.Support));
        Assert.Equal([2, 2, 1], report.PerClass.Select(r => r.Predicted));

        // Micro: TP 4, FP 1, FN 1.
        Assert.Equal(new AveragedScores(0.8, 0.8, 0.8), report.Micro);
        Assert.Equal(2.0 / 3.0, report.Macro.F1, Tolerance);
        Assert.Equal(2.0 / 3.0, report.Macro.Precision, Tolerance);
        Assert.Equal(4.0 / 5.0, report.Weighted.F1, Tolerance);

        // Rows 2 and 3 are exact; 2 of 12 cells are wrong.
        Assert.Equal(0.5, report.SubsetAccuracy);
        Assert.Equal(0.5, report.Accuracy);
        Assert.Equal(2.0 / 12.0, report.HammingLoss!.Value, Tolerance);

        Assert.Equal("micro", report.HeadlineAverage);
        Assert.Null(report.ConfusionMatrix);
        Assert.Null(report.Binary);

        var metrics = report.ToMetricsDictionary();
        Assert.Equal(0.8, metrics["f1"], Tolerance);
        Assert.Equal(0.8, metrics["f1_micro"], Tolerance);
        Assert.Equal(2.0 / 3.0, metrics["f1_macro"], Tolerance);
        Assert.Equal(0.5, metrics["subset_accuracy"]);
        Assert.Equal(2.0 / 12.0, metrics["hamming_loss"], Tolerance);
    }

    [Fact]
    public void Compute_metrics_applies_the_sigmoid_threshold_to_the_logits()
    {
        // +2 -> sigmoid 0.881, -2 -> 0.119; a logit of exactly 0 is probability 0.5, which counts as on at 0.5.
        var logits = Predicted.Select(row => row.Select(on => on ? 2f : -2f).ToArray()).ToArray();
        logits[3][0] = 0f;

        var result = ClassificationMetrics.ComputeMetrics(
            EvalPrediction.MultiLabel(logits, Targets), new MetricsOptions(Labels, Loss: 0.3));

        // Row 3 now predicts "a" wrongly: a gets FP 1, row 3 is no longer exact, 3 of 12 cells are wrong.
        Assert.Equal(ProblemType.MultiLabelClassification, result.Report.ProblemType);
        Assert.Equal(0.25, result.Metrics["subset_accuracy"]);
        Assert.Equal(3.0 / 12.0, result.Metrics["hamming_loss"], Tolerance);
        Assert.Equal(2.0 / 3.0, result.Report.PerClass[0].Precision, Tolerance);
        Assert.Equal(0.3, result.Metrics["loss"]);
        Assert.Equal(0.5, result.Report.Threshold);
    }

    [Fact]
    public void A_higher_threshold_turns_predictions_off()
    {
        var logits = Predicted.Select(row => row.Select(on => on ? 2f : -2f).ToArray()).ToArray();
        var flatLogits = logits.SelectMany(r => r).ToArray();
        var flatTargets = Targets.SelectMany(r => r).ToArray();

        var result = ClassificationMetrics.ComputeMetrics(
            EvalPrediction.MultiLabel(flatLogits, rows: 4, numLabels: 3, flatTargets),
            new MetricsOptions(Labels, MultiLabelThreshold: 0.9));

        // sigmoid(2) = 0.881 < 0.9: nothing is predicted. Only row 3 (no labels) is exact; 5 true cells are missed.
        Assert.All(result.Report.PerClass, row => Assert.Equal(0, row.Predicted));
        Assert.Equal(0.25, result.Report.SubsetAccuracy);
        Assert.Equal(5.0 / 12.0, result.Report.HammingLoss!.Value, Tolerance);
        Assert.Equal(0.0, result.Metrics["f1"]);
        Assert.Equal(0.9, result.Report.Threshold);
    }

    [Fact]
    public void Target_rows_must_match_the_label_count()
    {
        Assert.Throws<ArgumentException>(() => EvalPrediction.MultiLabel([[1f, 0f]], [[1f]]));
        Assert.Throws<ArgumentException>(() => EvalPrediction.MultiLabel([[1f, 0f]], [[1f, 0f], [0f, 1f]]));
    }

    private static bool[][] ToBool(float[][] rows) => [.. rows.Select(r => r.Select(v => v > 0.5f).ToArray())];
}
