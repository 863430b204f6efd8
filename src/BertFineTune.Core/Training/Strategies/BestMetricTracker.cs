namespace BertFineTune.Training.Strategies;

/// <summary>
/// HF's <c>_determine_best_metric</c> and <c>EarlyStoppingCallback.check_metric_value</c>, over the
/// <c>eval_</c>-prefixed metric named by <c>metric_for_best_model</c>.
/// </summary>
internal static class BestMetricTracker
{
    /// <summary>True when <paramref name="value"/> beats <paramref name="best"/> (null best: always).</summary>
    public static bool IsBetter(double value, double? best, bool greaterIsBetter) =>
        best is null || (greaterIsBetter ? value > best.Value : value < best.Value);

    /// <summary>
    /// The early-stopping counter after an evaluation: reset when the value beats the best so far by more than the
    /// threshold, else incremented. Called before the best metric is updated, as HF's callback runs in on_evaluate.
    /// </summary>
    public static int NextPatienceCounter(int counter, double value, double? best, bool greaterIsBetter, double threshold) =>
        best is null || (IsBetter(value, best, greaterIsBetter) && Math.Abs(value - best.Value) > threshold) ? 0 : counter + 1;
}
