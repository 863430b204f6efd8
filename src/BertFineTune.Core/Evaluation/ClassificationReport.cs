using BertFineTune.Models;

namespace BertFineTune.Evaluation;

/// <summary>
/// Everything measured on one evaluation set, for reports (metrics.json, report.html).
/// <para>
/// Headline metrics (<see cref="Precision"/>, <see cref="Recall"/>, <see cref="F1"/>) follow what a HF Trainer
/// user's <c>compute_metrics</c> usually returns, and <see cref="HeadlineAverage"/> says which it is:
/// <c>binary</c> (the positive class, id 1) for a single-label task with exactly 2 classes, <c>macro</c> for a
/// single-label task with more, <c>micro</c> for multi-label. Macro and weighted averages are always present.
/// </para>
/// <para>
/// Single-label macro and weighted averages run over the classes that occur in the targets or the predictions,
/// which is scikit-learn's default without <c>labels=</c>; a class absent from both is still listed in
/// <see cref="PerClass"/> with zeros. Multi-label averages run over every label, as scikit-learn does for
/// multi-hot input.
/// </para>
/// </summary>
public sealed record ClassificationReport
{
    public required ProblemType ProblemType { get; init; }

    /// <summary>Class (or label) names in id order.</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary>The number of examples evaluated.</summary>
    public required int NumSamples { get; init; }

    /// <summary>The mean loss given by the caller, if any.</summary>
    public double? Loss { get; init; }

    /// <summary>Single-label: the share of correct predictions. Multi-label: subset accuracy (exact match of every label).</summary>
    public required double Accuracy { get; init; }

    /// <summary>Which average the headline precision/recall/F1 use: <c>binary</c>, <c>macro</c> or <c>micro</c>.</summary>
    public required string HeadlineAverage { get; init; }

    public required double Precision { get; init; }

    public required double Recall { get; init; }

    public required double F1 { get; init; }

    /// <summary>Single-label with exactly 2 classes: the scores of the positive class (id 1); else null.</summary>
    public AveragedScores? Binary { get; init; }

    /// <summary>Multi-label: scores from TP/FP/FN summed over all labels; null for single-label, where it would equal accuracy.</summary>
    public AveragedScores? Micro { get; init; }

    /// <summary>The unweighted mean over classes.</summary>
    public required AveragedScores Macro { get; init; }

    /// <summary>The mean over classes weighted by support.</summary>
    public required AveragedScores Weighted { get; init; }

    /// <summary>One row per class (single-label) or label (multi-label), in id order.</summary>
    public required IReadOnlyList<ClassScores> PerClass { get; init; }

    /// <summary>Single-label: the confusion matrix; null for multi-label.</summary>
    public ConfusionMatrix? ConfusionMatrix { get; init; }

    /// <summary>Multi-label: the share of rows whose predicted label set equals the true one; else null.</summary>
    public double? SubsetAccuracy { get; init; }

    /// <summary>Multi-label: the share of (row, label) cells predicted wrong; else null.</summary>
    public double? HammingLoss { get; init; }

    /// <summary>Multi-label: the probability threshold used; else null.</summary>
    public double? Threshold { get; init; }

    /// <summary>
    /// The flat metrics a Trainer logs, without the <c>eval_</c>/<c>test_</c> prefix (the trainer adds it):
    /// <c>loss</c> (when known), <c>accuracy</c>, <c>precision</c>, <c>recall</c>, <c>f1</c>, then
    /// <c>precision_macro</c>, <c>recall_macro</c>, <c>f1_macro</c>, <c>precision_weighted</c>,
    /// <c>recall_weighted</c>, <c>f1_weighted</c>; multi-label adds <c>precision_micro</c>, <c>recall_micro</c>,
    /// <c>f1_micro</c>, <c>subset_accuracy</c> and <c>hamming_loss</c>.
    /// </summary>
    /// <param name="prefix">Put before every name, e.g. <c>eval_</c> or <c>test_</c> as the HF Trainer logs them; none by default.</param>
    public IReadOnlyDictionary<string, double> ToMetricsDictionary(string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        if (Loss is { } loss)
        {
            metrics["loss"] = loss;
        }

        metrics["accuracy"] = Accuracy;
        metrics["precision"] = Precision;
        metrics["recall"] = Recall;
        metrics["f1"] = F1;
        if (Micro is { } micro)
        {
            Add(metrics, "micro", micro);
        }

        Add(metrics, "macro", Macro);
        Add(metrics, "weighted", Weighted);
        if (SubsetAccuracy is { } subset)
        {
            metrics["subset_accuracy"] = subset;
        }

        if (HammingLoss is { } hamming)
        {
            metrics["hamming_loss"] = hamming;
        }

        return prefix.Length == 0 ? metrics : metrics.ToDictionary(kv => prefix + kv.Key, kv => kv.Value, StringComparer.Ordinal);
    }

    private static void Add(Dictionary<string, double> metrics, string suffix, AveragedScores scores)
    {
        metrics["precision_" + suffix] = scores.Precision;
        metrics["recall_" + suffix] = scores.Recall;
        metrics["f1_" + suffix] = scores.F1;
    }
}
