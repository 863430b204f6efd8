namespace BertFineTune.Reporting;

/// <summary>
/// One point of the training history (the HF Trainer's <c>log_history</c>): a training log, an evaluation, or both.
/// </summary>
/// <param name="Step">The global optimizer step.</param>
/// <param name="Epoch">The fractional epoch, as HF logs it (e.g. 1.25).</param>
/// <param name="Loss">The training loss averaged since the previous log, if this is a training log.</param>
/// <param name="LearningRate">The learning rate at this step, if logged.</param>
/// <param name="GradNorm">The gradient norm before clipping, if logged.</param>
/// <param name="EvalMetrics">Evaluation metrics at this step, if this is an evaluation; names as
/// <see cref="Evaluation.ClassificationReport.ToMetricsDictionary"/> gives them (an <c>eval_</c> prefix is also accepted).</param>
public sealed record LogHistoryEntry(
    long Step,
    double Epoch,
    double? Loss = null,
    double? LearningRate = null,
    double? GradNorm = null,
    IReadOnlyDictionary<string, double>? EvalMetrics = null)
{
    /// <summary>An evaluation metric by its plain name (<c>f1</c>), whether stored as <c>f1</c> or <c>eval_f1</c>.</summary>
    public double? Eval(string name)
    {
        if (EvalMetrics is null)
        {
            return null;
        }

        return EvalMetrics.TryGetValue(name, out var value) || EvalMetrics.TryGetValue("eval_" + name, out value) ? value : null;
    }

    /// <summary>The plain names of the evaluation metrics in this entry, prefix removed.</summary>
    public IEnumerable<string> EvalMetricNames() =>
        EvalMetrics?.Keys.Select(key => key.StartsWith("eval_", StringComparison.Ordinal) ? key["eval_".Length..] : key) ?? [];
}
