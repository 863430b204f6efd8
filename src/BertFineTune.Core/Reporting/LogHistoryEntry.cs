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
    /// <summary>
    /// One entry of a HF-style <c>log_history</c> (as in <c>trainer_state.json</c>): <c>step</c>, <c>epoch</c>,
    /// <c>loss</c>, <c>learning_rate</c>, <c>grad_norm</c>, and any <c>eval_*</c> keys as evaluation metrics
    /// (prefix removed). Other keys (<c>train_runtime</c>, <c>total_flos</c>, …) are not curves and are ignored.
    /// </summary>
    public static LogHistoryEntry FromTrainerLog(IReadOnlyDictionary<string, double> log)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (!log.TryGetValue("step", out var step))
        {
            throw new ArgumentException("A log_history entry needs a \"step\".", nameof(log));
        }

        var eval = log.Where(kv => kv.Key.StartsWith("eval_", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key["eval_".Length..], kv => kv.Value, StringComparer.Ordinal);
        return new LogHistoryEntry(
            (long)step,
            log.TryGetValue("epoch", out var epoch) ? epoch : 0,
            log.TryGetValue("loss", out var loss) ? loss : null,
            log.TryGetValue("learning_rate", out var lr) ? lr : null,
            log.TryGetValue("grad_norm", out var gradNorm) ? gradNorm : null,
            eval.Count > 0 ? eval : null);
    }

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
