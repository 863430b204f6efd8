using BertFineTune.Models;

namespace BertFineTune.Evaluation;

/// <summary>
/// Classification metrics with scikit-learn's semantics (<c>precision_recall_fscore_support</c>,
/// <c>accuracy_score</c>, <c>confusion_matrix</c>, <c>hamming_loss</c>, <c>zero_division=0</c>), in plain C#.
/// </summary>
public static class ClassificationMetrics
{
    /// <summary>
    /// The Trainer's <c>compute_metrics</c>: argmax (single-label) or sigmoid ≥ threshold (multi-label) over the
    /// logits, then <see cref="FromLabelIds"/> or <see cref="FromMultiHot"/>.
    /// </summary>
    public static EvaluationResult ComputeMetrics(EvalPrediction prediction, MetricsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        options ??= new MetricsOptions();
        var labelNames = ResolveLabelNames(options.LabelNames, prediction.NumLabels);
        var report = prediction.ProblemType switch
        {
            ProblemType.SingleLabelClassification => FromLabelIds(
                prediction.LabelIds!,
                [.. prediction.Logits.Select(row => LogitMath.ArgMax(row))],
                labelNames,
                options.Loss),
            ProblemType.MultiLabelClassification => FromMultiHot(
                [.. prediction.MultiHotLabels!.Select(row => row.Select(target => target > 0.5f).ToArray())],
                [.. prediction.Logits.Select(row => LogitMath.Sigmoid(row).Select(p => p >= options.MultiLabelThreshold).ToArray())],
                labelNames,
                options.MultiLabelThreshold,
                options.Loss),
            _ => throw new ArgumentOutOfRangeException(nameof(prediction), prediction.ProblemType, "Unknown problem type."),
        };
        return new EvaluationResult(report.ToMetricsDictionary(), report);
    }

    /// <summary>Single-label metrics from true and predicted class ids (each in 0..labelNames.Count-1).</summary>
    public static ClassificationReport FromLabelIds(
        IReadOnlyList<int> yTrue,
        IReadOnlyList<int> yPred,
        IReadOnlyList<string> labelNames,
        double? loss = null)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        ArgumentNullException.ThrowIfNull(labelNames);
        if (yTrue.Count != yPred.Count)
        {
            throw new ArgumentException($"There are {yTrue.Count} true labels but {yPred.Count} predictions.", nameof(yPred));
        }

        if (yTrue.Count == 0)
        {
            throw new ArgumentException("At least one example is required to compute metrics.", nameof(yTrue));
        }

        var k = labelNames.Count;
        var counts = new int[k][];
        for (var i = 0; i < k; i++)
        {
            counts[i] = new int[k];
        }

        var correct = 0;
        for (var i = 0; i < yTrue.Count; i++)
        {
            CheckId(yTrue[i], k, i, nameof(yTrue));
            CheckId(yPred[i], k, i, nameof(yPred));
            counts[yTrue[i]][yPred[i]]++;
            if (yTrue[i] == yPred[i])
            {
                correct++;
            }
        }

        var perClass = new ClassScores[k];
        for (var c = 0; c < k; c++)
        {
            var truePositives = counts[c][c];
            var support = counts[c].Sum();
            var predicted = counts.Sum(row => row[c]);
            perClass[c] = Score(c, labelNames[c], truePositives, predicted - truePositives, support - truePositives);
        }

        // scikit-learn's default label set: the classes seen in y_true or y_pred.
        var present = perClass.Where(row => row.Support > 0 || row.Predicted > 0).ToArray();
        var macro = MacroAverage(present);
        var weighted = WeightedAverage(present);
        var binary = k == 2 ? new AveragedScores(perClass[1].Precision, perClass[1].Recall, perClass[1].F1) : null;
        var headline = binary ?? macro;

        return new ClassificationReport
        {
            ProblemType = ProblemType.SingleLabelClassification,
            Labels = [.. labelNames],
            NumSamples = yTrue.Count,
            Loss = loss,
            Accuracy = (double)correct / yTrue.Count,
            HeadlineAverage = binary is null ? "macro" : "binary",
            Precision = headline.Precision,
            Recall = headline.Recall,
            F1 = headline.F1,
            Binary = binary,
            Macro = macro,
            Weighted = weighted,
            PerClass = perClass,
            ConfusionMatrix = new ConfusionMatrix([.. labelNames], counts),
        };
    }

    /// <summary>Multi-label metrics from true and predicted label sets, as boolean rows one value per label.</summary>
    public static ClassificationReport FromMultiHot(
        IReadOnlyList<bool[]> yTrue,
        IReadOnlyList<bool[]> yPred,
        IReadOnlyList<string> labelNames,
        double threshold = 0.5,
        double? loss = null)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        ArgumentNullException.ThrowIfNull(labelNames);
        if (yTrue.Count != yPred.Count)
        {
            throw new ArgumentException($"There are {yTrue.Count} target rows but {yPred.Count} prediction rows.", nameof(yPred));
        }

        if (yTrue.Count == 0)
        {
            throw new ArgumentException("At least one example is required to compute metrics.", nameof(yTrue));
        }

        var k = labelNames.Count;
        var truePositives = new int[k];
        var support = new int[k];
        var predicted = new int[k];
        var exactMatches = 0;
        long wrongCells = 0;
        for (var i = 0; i < yTrue.Count; i++)
        {
            if (yTrue[i].Length != k || yPred[i].Length != k)
            {
                throw new ArgumentException($"Row {i} must have {k} values, one per label.", nameof(yTrue));
            }

            var rowWrong = 0;
            for (var c = 0; c < k; c++)
            {
                var actual = yTrue[i][c];
                var guess = yPred[i][c];
                support[c] += actual ? 1 : 0;
                predicted[c] += guess ? 1 : 0;
                truePositives[c] += actual && guess ? 1 : 0;
                rowWrong += actual != guess ? 1 : 0;
            }

            wrongCells += rowWrong;
            exactMatches += rowWrong == 0 ? 1 : 0;
        }

        var perClass = new ClassScores[k];
        for (var c = 0; c < k; c++)
        {
            perClass[c] = Score(c, labelNames[c], truePositives[c], predicted[c] - truePositives[c], support[c] - truePositives[c]);
        }

        var tp = truePositives.Sum();
        var micro = Scores(tp, predicted.Sum() - tp, support.Sum() - tp);
        var subsetAccuracy = (double)exactMatches / yTrue.Count;
        return new ClassificationReport
        {
            ProblemType = ProblemType.MultiLabelClassification,
            Labels = [.. labelNames],
            NumSamples = yTrue.Count,
            Loss = loss,
            Accuracy = subsetAccuracy,
            HeadlineAverage = "micro",
            Precision = micro.Precision,
            Recall = micro.Recall,
            F1 = micro.F1,
            Micro = micro,
            Macro = MacroAverage(perClass),
            Weighted = WeightedAverage(perClass),
            PerClass = perClass,
            SubsetAccuracy = subsetAccuracy,
            HammingLoss = (double)wrongCells / ((long)yTrue.Count * k),
            Threshold = threshold,
        };
    }

    /// <summary>The caller's names, or HF's default <c>LABEL_i</c> names.</summary>
    public static IReadOnlyList<string> ResolveLabelNames(IReadOnlyList<string>? labelNames, int numLabels)
    {
        if (labelNames is null)
        {
            return [.. Enumerable.Range(0, numLabels).Select(i => $"LABEL_{i}")];
        }

        if (labelNames.Count != numLabels)
        {
            throw new ArgumentException($"{labelNames.Count} label names were given for {numLabels} logits per row.", nameof(labelNames));
        }

        return labelNames;
    }

    private static void CheckId(int id, int k, int row, string paramName)
    {
        if (id < 0 || id >= k)
        {
            throw new ArgumentOutOfRangeException(paramName, $"Label id {id} at row {row} is outside 0..{k - 1}.");
        }
    }

    private static ClassScores Score(int id, string label, int tp, int fp, int fn)
    {
        var scores = Scores(tp, fp, fn);
        return new ClassScores(id, label, scores.Precision, scores.Recall, scores.F1, tp + fn, tp + fp, tp);
    }

    // F1 as 2TP / (2TP + FP + FN), which is scikit-learn's form (>= 1.3): it equals 2PR/(P+R) and is 0, not NaN, when nothing is there.
    private static AveragedScores Scores(int tp, int fp, int fn) =>
        new(Ratio(tp, tp + fp), Ratio(tp, tp + fn), Ratio(2.0 * tp, (2.0 * tp) + fp + fn));

    private static double Ratio(double numerator, double denominator) => denominator > 0 ? numerator / denominator : 0.0;

    private static AveragedScores MacroAverage(IReadOnlyList<ClassScores> rows) => rows.Count == 0
        ? new AveragedScores(0, 0, 0)
        : new AveragedScores(rows.Average(r => r.Precision), rows.Average(r => r.Recall), rows.Average(r => r.F1));

    private static AveragedScores WeightedAverage(IReadOnlyList<ClassScores> rows)
    {
        double total = rows.Sum(r => r.Support);
        return total == 0
            ? new AveragedScores(0, 0, 0)
            : new AveragedScores(
                rows.Sum(r => r.Precision * r.Support) / total,
                rows.Sum(r => r.Recall * r.Support) / total,
                rows.Sum(r => r.F1 * r.Support) / total);
    }
}
