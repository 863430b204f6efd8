using BertFineTune.Diagnostics;

namespace BertFineTune.Training;

/// <summary>The outcome of <see cref="Trainer.TrainAsync"/>.</summary>
/// <param name="GlobalStep">Optimizer steps done in all (resumed runs included).</param>
/// <param name="Epoch">Fractional epoch reached.</param>
/// <param name="TrainingLoss">Mean loss over the optimizer steps of the whole run, resumes included (HF's <c>train_loss</c>).</param>
/// <param name="Metrics">HF's final <c>train_*</c> entries: train_runtime, train_samples_per_second, train_steps_per_second, train_loss, epoch.</param>
/// <param name="BestMetric">The best value of <c>metric_for_best_model</c>, if evaluations ran.</param>
/// <param name="BestModelCheckpoint">The checkpoint that holds the best model, if one was saved.</param>
/// <param name="ModelDirectory"><c>&lt;output_dir&gt;/model</c>: the best (with load_best_model_at_end) or else the last model.</param>
/// <param name="LogHistory">Every log and eval entry, as in <c>trainer_state.json</c>.</param>
/// <param name="StoppedEarly">True when early stopping ended the run.</param>
/// <param name="Warnings">Warnings raised on the way (fp16 fallback, ...).</param>
public sealed record TrainingResult(
    long GlobalStep,
    double Epoch,
    double TrainingLoss,
    IReadOnlyDictionary<string, double> Metrics,
    double? BestMetric,
    string? BestModelCheckpoint,
    string ModelDirectory,
    IReadOnlyList<IReadOnlyDictionary<string, double>> LogHistory,
    bool StoppedEarly,
    IReadOnlyList<UserError> Warnings)
{
    /// <summary>The run's id (<c>run.json</c> in the output folder; kept across resumes).</summary>
    public string RunId { get; init; } = string.Empty;

    /// <summary>
    /// The validation pass (<c>eval_</c> metrics and logits) on the weights saved in <see cref="ModelDirectory"/>, when
    /// training's last evaluation already ran on exactly those weights; null when the caller must evaluate again.
    /// </summary>
    public EvaluationOutput? FinalValidation { get; init; }
}

/// <summary>Logits in input order plus the metrics of one evaluation.</summary>
public sealed record EvaluationOutput(float[][] Logits, IReadOnlyDictionary<string, double> Metrics)
{
    /// <summary>The mean loss without class weights, when the pass's own loss was class-weighted (training's evaluations).</summary>
    public double? UnweightedLoss { get; init; }
}
