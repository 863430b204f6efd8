namespace BertFineTune.Config;

/// <summary>The metrics <c>metric_for_best_model</c> may name; like Hugging Face, an <c>eval_</c> prefix is allowed.</summary>
public static class ConfigMetrics
{
    public static IReadOnlyList<string> Known { get; } =
        ["loss", "accuracy", "f1", "precision", "recall", "f1_macro", "f1_weighted", "f1_micro", "precision_macro", "recall_macro"];

    /// <summary>The metric name without the optional <c>eval_</c> prefix.</summary>
    public static string Normalize(string metric) => metric.StartsWith("eval_", StringComparison.Ordinal) ? metric["eval_".Length..] : metric;

    public static bool IsKnown(string metric) => Known.Contains(Normalize(metric));

    /// <summary>HF's rule when <c>greater_is_better</c> is null: false for loss, true for every other metric.</summary>
    public static bool GreaterIsBetter(string metric) => Normalize(metric) != "loss";
}
