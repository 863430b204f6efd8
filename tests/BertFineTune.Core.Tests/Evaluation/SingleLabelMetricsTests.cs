using BertFineTune.Evaluation;
using BertFineTune.Models;

namespace BertFineTune.Tests.Evaluation;

/// <summary>
/// Single-label metrics against numbers worked out by hand from the confusion matrix, with scikit-learn's
/// semantics (zero_division=0; macro over the classes in y_true ∪ y_pred; F1 = 2TP / (2TP + FP + FN)).
/// </summary>
public sealed class SingleLabelMetricsTests
{
    private const double Tolerance = 1e-9;

    // Worked example, 4 classes. "bird" occurs twice but is never predicted; "fish" is predicted once but never occurs.
    //                    idx: 0  1  2  3  4  5  6  7  8  9
    private static readonly int[] FourTrue = [0, 0, 0, 1, 1, 2, 2, 0, 1, 1];
    private static readonly int[] FourPred = [0, 1, 0, 1, 1, 0, 1, 0, 3, 1];
    private static readonly string[] FourLabels = ["cat", "dog", "bird", "fish"];

    [Fact]
    public void Confusion_matrix_has_true_rows_and_predicted_columns()
    {
        var report = ClassificationMetrics.FromLabelIds(FourTrue, FourPred, FourLabels);

        int[][] expected =
        [
            [3, 1, 0, 0], // cat:  idx 0,1,2,7 -> cat, dog, cat, cat
            [0, 3, 0, 1], // dog:  idx 3,4,8,9 -> dog, dog, fish, dog
            [1, 1, 0, 0], // bird: idx 5,6     -> cat, dog
            [0, 0, 0, 0], // fish: never true
        ];
        Assert.Equal(FourLabels, report.ConfusionMatrix!.Labels);
        Assert.Equal(expected.Length, report.ConfusionMatrix.Counts.Count);
        for (var row = 0; row < expected.Length; row++)
        {
            Assert.Equal(expected[row], report.ConfusionMatrix.Counts[row]);
        }

        Assert.Equal(10, report.ConfusionMatrix.Total);
    }

    [Fact]
    public void Per_class_scores_handle_a_class_never_predicted_and_a_class_never_true()
    {
        var report = ClassificationMetrics.FromLabelIds(FourTrue, FourPred, FourLabels);

        // cat: TP 3, predicted 4, support 4.
        AssertRow(report.PerClass[0], "cat", 0.75, 0.75, 0.75, support: 4, predicted: 4);

        // dog: TP 3, predicted 5, support 4; F1 = 6 / (6 + 2 + 1).
        AssertRow(report.PerClass[1], "dog", 0.6, 0.75, 6.0 / 9.0, support: 4, predicted: 5);

        // bird: never predicted, so precision is 0/0 -> 0.
        AssertRow(report.PerClass[2], "bird", 0, 0, 0, support: 2, predicted: 0);

        // fish: never true, so recall is 0/0 -> 0; F1 = 0 / (0 + 1 + 0) = 0.
        AssertRow(report.PerClass[3], "fish", 0, 0, 0, support: 0, predicted: 1);

        Assert.All(report.PerClass, row => Assert.False(double.IsNaN(row.F1)));
    }

    [Fact]
    public void Accuracy_macro_and_weighted_averages_match_the_hand_computation()
    {
        var report = ClassificationMetrics.FromLabelIds(FourTrue, FourPred, FourLabels, loss: 0.42);

        Assert.Equal(0.6, report.Accuracy, Tolerance);

        // Macro over cat, dog, bird, fish (all four occur in y_true or y_pred).
        Assert.Equal((0.75 + 0.6 + 0 + 0) / 4, report.Macro.Precision, Tolerance);
        Assert.Equal((0.75 + 0.75 + 0 + 0) / 4, report.Macro.Recall, Tolerance);
        Assert.Equal((0.75 + (6.0 / 9.0)) / 4, report.Macro.F1, Tolerance);

        // Weighted by support 4, 4, 2, 0.
        Assert.Equal(((0.75 * 4) + (0.6 * 4)) / 10, report.Weighted.Precision, Tolerance);
        Assert.Equal(((0.75 * 4) + (0.75 * 4)) / 10, report.Weighted.Recall, Tolerance);
        Assert.Equal(((0.75 * 4) + (6.0 / 9.0 * 4)) / 10, report.Weighted.F1, Tolerance);

        // More than 2 classes: the headline is macro, and micro is not reported (it equals accuracy).
        Assert.Equal("macro", report.HeadlineAverage);
        Assert.Null(report.Binary);
        Assert.Null(report.Micro);

        var metrics = report.ToMetricsDictionary();
        Assert.Equal(0.42, metrics["loss"]);
        Assert.Equal(0.6, metrics["accuracy"], Tolerance);
        Assert.Equal(report.Macro.F1, metrics["f1"]);
        Assert.Equal(report.Macro.F1, metrics["f1_macro"]);
        Assert.Equal(report.Macro.Precision, metrics["precision"]);
        Assert.Equal(report.Weighted.F1, metrics["f1_weighted"]);
        Assert.Equal(report.Weighted.Recall, metrics["recall_weighted"]);
        Assert.DoesNotContain("f1_micro", metrics.Keys);
        Assert.DoesNotContain("hamming_loss", metrics.Keys);
    }

    [Fact]
    public void A_class_absent_from_both_targets_and_predictions_is_listed_but_left_out_of_the_averages()
    {
        // scikit-learn without labels= averages over the classes it sees; a fifth label nobody used changes nothing.
        var five = ClassificationMetrics.FromLabelIds(FourTrue, FourPred, [.. FourLabels, "emu"]);
        var four = ClassificationMetrics.FromLabelIds(FourTrue, FourPred, FourLabels);

        Assert.Equal(5, five.PerClass.Count);
        AssertRow(five.PerClass[4], "emu", 0, 0, 0, support: 0, predicted: 0);
        Assert.Equal(four.Macro, five.Macro);
        Assert.Equal(four.Weighted, five.Weighted);
        Assert.Equal(5, five.ConfusionMatrix!.Counts.Count);
    }

    [Fact]
    public void Two_classes_report_the_positive_class_as_precision_recall_and_f1()
    {
        int[] yTrue = [0, 0, 0, 0, 1, 1, 1, 0];
        int[] yPred = [0, 1, 0, 0, 1, 0, 1, 1];

        var report = ClassificationMetrics.FromLabelIds(yTrue, yPred, ["ham", "spam"]);

        // ham row: [3, 2]; spam row: [1, 2].
        Assert.Equal([3, 2], report.ConfusionMatrix!.Counts[0]);
        Assert.Equal([1, 2], report.ConfusionMatrix.Counts[1]);

        // spam (positive, id 1): TP 2, FP 2, FN 1.
        Assert.Equal("binary", report.HeadlineAverage);
        Assert.Equal(0.5, report.Precision, Tolerance);
        Assert.Equal(2.0 / 3.0, report.Recall, Tolerance);
        Assert.Equal(4.0 / 7.0, report.F1, Tolerance);
        Assert.Equal(new AveragedScores(report.Precision, report.Recall, report.F1), report.Binary);

        // ham: TP 3, FP 1, FN 2 -> F1 6/9.
        Assert.Equal(((6.0 / 9.0) + (4.0 / 7.0)) / 2, report.Macro.F1, Tolerance);
        Assert.Equal(((6.0 / 9.0 * 5) + (4.0 / 7.0 * 3)) / 8, report.Weighted.F1, Tolerance);
        Assert.Equal(5.0 / 8.0, report.Accuracy, Tolerance);

        var metrics = report.ToMetricsDictionary();
        Assert.Equal(4.0 / 7.0, metrics["f1"], Tolerance);
        Assert.Equal(report.Macro.F1, metrics["f1_macro"], Tolerance);
        Assert.DoesNotContain("loss", metrics.Keys);

        var prefixed = report.ToMetricsDictionary("eval_");
        Assert.Equal(metrics.Keys.Select(k => "eval_" + k), prefixed.Keys);
        Assert.Equal(4.0 / 7.0, prefixed["eval_f1"], Tolerance);
    }

    [Fact]
    public void Compute_metrics_takes_the_argmax_of_the_logits()
    {
        // Rows chosen so that argmax gives FourPred; each row's winning logit is FourPred[i].
        var logits = FourPred.Select(p => Enumerable.Range(0, 4).Select(c => c == p ? 2.5f : -1f + (0.1f * c)).ToArray()).ToArray();
        var flat = logits.SelectMany(row => row).ToArray();

        var jagged = ClassificationMetrics.ComputeMetrics(
            EvalPrediction.SingleLabel(logits, FourTrue), new MetricsOptions(FourLabels, Loss: 1.25));
        var fromFlat = ClassificationMetrics.ComputeMetrics(
            EvalPrediction.SingleLabel(flat, rows: 10, numLabels: 4, FourTrue), new MetricsOptions(FourLabels, Loss: 1.25));
        var direct = ClassificationMetrics.FromLabelIds(FourTrue, FourPred, FourLabels, loss: 1.25);

        Assert.Equal(ProblemType.SingleLabelClassification, jagged.Report.ProblemType);
        Assert.Equal(direct.ToMetricsDictionary(), jagged.Metrics);
        Assert.Equal(direct.ToMetricsDictionary(), fromFlat.Metrics);
        Assert.Equal(10, jagged.Report.NumSamples);
    }

    [Fact]
    public void Default_label_names_follow_hugging_face()
    {
        var result = ClassificationMetrics.ComputeMetrics(EvalPrediction.SingleLabel([[1f, 0f], [0f, 1f]], [0, 1]));

        Assert.Equal(["LABEL_0", "LABEL_1"], result.Report.Labels);
        Assert.Equal(1.0, result.Metrics["accuracy"]);
    }

    [Fact]
    public void Shapes_and_ids_are_checked()
    {
        Assert.Throws<ArgumentException>(() => EvalPrediction.SingleLabel([[1f, 0f], [0f]], [0, 1]));
        Assert.Throws<ArgumentException>(() => EvalPrediction.SingleLabel([[1f, 0f]], [0, 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => EvalPrediction.SingleLabel([[1f, 0f]], [2]));
        Assert.Throws<ArgumentException>(() => EvalPrediction.SingleLabel(new float[5], rows: 2, numLabels: 2, [0, 1]));
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.ComputeMetrics(
            EvalPrediction.SingleLabel([[1f, 0f]], [0]), new MetricsOptions(["only-one"])));
    }

    private static void AssertRow(ClassScores row, string label, double precision, double recall, double f1, int support, int predicted)
    {
        Assert.Equal(label, row.Label);
        Assert.Equal(precision, row.Precision, Tolerance);
        Assert.Equal(recall, row.Recall, Tolerance);
        Assert.Equal(f1, row.F1, Tolerance);
        Assert.Equal(support, row.Support);
        Assert.Equal(predicted, row.Predicted);
    }
}
