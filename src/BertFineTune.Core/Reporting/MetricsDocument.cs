using BertFineTune.Evaluation;
using BertFineTune.Models;

namespace BertFineTune.Reporting;

/// <summary>
/// The content of <c>metrics.json</c>. Its JSON shape (snake_case keys; absent values are left out):
/// <code>
/// {
///   "schema_version": 1,
///   "problem_type": "single_label_classification" | "multi_label_classification",
///   "labels": ["neg", "pos"],
///   "train" | "validation" | "test": {           // each section optional; evaluate writes only "test"
///     "problem_type", "labels", "num_samples",
///     "loss",                                    // when known
///     "accuracy",                                // multi-label: subset accuracy
///     "headline_average": "binary" | "macro" | "micro",
///     "precision", "recall", "f1",               // the headline average
///     "binary":   {"precision", "recall", "f1"}, // 2-class single-label: the positive class (id 1)
///     "micro":    {...},                         // multi-label only
///     "macro":    {...}, "weighted": {...},      // always
///     "per_class": [{"id", "label", "precision", "recall", "f1", "support", "predicted", "true_positives"}],
///     "confusion_matrix": {"labels": [...], "counts": [[...]], "total"},  // single-label; rows = true, columns = predicted
///     "subset_accuracy", "hamming_loss", "threshold"                     // multi-label only
///   },
///   "summary": {"train_runtime": 12.3, ...}      // optional run-level numbers
/// }
/// </code>
/// </summary>
public sealed record MetricsDocument
{
    /// <summary>The shape's version; bumped only when a key changes meaning or is removed.</summary>
    public int SchemaVersion { get; init; } = 1;

    public required ProblemType ProblemType { get; init; }

    /// <summary>The model's labels in id order.</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    public ClassificationReport? Train { get; init; }

    public ClassificationReport? Validation { get; init; }

    public ClassificationReport? Test { get; init; }

    /// <summary>Run-level numbers such as <c>train_runtime</c> or <c>train_samples_per_second</c>.</summary>
    public IReadOnlyDictionary<string, double>? Summary { get; init; }

    /// <summary>The sections present, as (name, report) pairs in the order test, validation, train.</summary>
    public IEnumerable<(string Name, ClassificationReport Report)> Sections()
    {
        if (Test is not null)
        {
            yield return ("test", Test);
        }

        if (Validation is not null)
        {
            yield return ("validation", Validation);
        }

        if (Train is not null)
        {
            yield return ("train", Train);
        }
    }

    /// <summary>A document for <c>bertft evaluate</c>: only a test section.</summary>
    public static MetricsDocument ForEvaluation(ClassificationReport test)
    {
        ArgumentNullException.ThrowIfNull(test);
        return new MetricsDocument { ProblemType = test.ProblemType, Labels = test.Labels, Test = test };
    }
}
