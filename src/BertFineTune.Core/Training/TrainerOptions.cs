using BertFineTune.Config;

namespace BertFineTune.Training;

/// <summary>
/// Everything the <see cref="Trainer"/> needs, named and defaulted as Hugging Face's <c>TrainingArguments</c>
/// (v4.57). The YAML config maps onto this record one key for one property, and its enums are the config's own
/// (<c>BertFineTune.Config</c>: one vocabulary for YAML and C#).
/// </summary>
public sealed record TrainerOptions
{
    /// <summary>Where checkpoints, <c>model/</c> and <c>logs/</c> go (<c>output_dir</c>).</summary>
    public required string OutputDir { get; init; }

    public int Epochs { get; init; } = 3;

    /// <summary><c>per_device_train_batch_size</c>.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary><c>per_device_eval_batch_size</c>; null uses <see cref="BatchSize"/>.</summary>
    public int? EvalBatchSize { get; init; }

    public double LearningRate { get; init; } = 5e-5;

    public double WeightDecay { get; init; }

    /// <summary>Absolute warmup; when above 0 it wins over <see cref="WarmupRatio"/>, as in HF.</summary>
    public int WarmupSteps { get; init; }

    public double WarmupRatio { get; init; }

    public LrSchedulerType LrSchedulerType { get; init; } = LrSchedulerType.Linear;

    public int GradientAccumulationSteps { get; init; } = 1;

    /// <summary>
    /// <c>adamw_torch</c>: torch.optim.AdamW, one parameter at a time; <c>adamw_torch_fused</c>: the same update on one
    /// flat buffer per parameter group.
    /// </summary>
    public Optimizer Optim { get; init; } = Optimizer.AdamwTorch;

    /// <summary>Gradient clipping; 0 or less turns it off (HF: <c>max_grad_norm</c>).</summary>
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary><c>label_smoothing_factor</c> for single-label cross-entropy.</summary>
    public double LabelSmoothing { get; init; }

    /// <summary><c>balanced</c>: n / (k · count(class)), as scikit-learn's <c>balanced</c>.</summary>
    public ClassWeighting ClassWeights { get; init; } = ClassWeighting.None;

    /// <summary>Linear layers compute in bfloat16 with fp32 master weights.</summary>
    public bool Bf16 { get; init; }

    /// <summary>fp16 with dynamic loss scaling on CUDA; on a CPU it falls back to bf16 with a warning.</summary>
    public bool Fp16 { get; init; }

    public bool GroupByLength { get; init; }

    /// <summary>
    /// Unpadded (packed) execution for training and evaluation: every position-wise part runs on the real tokens only
    /// and attention runs per sequence (<see cref="Models.SequenceClassificationModel.Unpadded"/>; batches with little
    /// padding run padded, see <see cref="Models.SequenceClassificationModel.PackingThreshold"/>). Same math as the
    /// padded path; false runs padded (<c>hyperparameters.unpadded</c>).
    /// </summary>
    public bool Unpadded { get; init; } = true;

    /// <summary>Above 0: batches are tokenized and collated by that many background workers.</summary>
    public int DataloaderNumWorkers { get; init; }

    public int MaxLength { get; init; } = 128;

    public int Seed { get; init; } = 42;

    /// <summary>Torch intra-op threads; null uses the number of physical cores.</summary>
    public int? Threads { get; init; }

    public DeviceKind Device { get; init; } = DeviceKind.Auto;

    public IntervalStrategy LoggingStrategy { get; init; } = IntervalStrategy.Steps;

    public int LoggingSteps { get; init; } = 500;

    /// <summary>Log the first optimizer step too (<c>logging_first_step</c>).</summary>
    public bool LoggingFirstStep { get; init; }

    public IntervalStrategy EvalStrategy { get; init; } = IntervalStrategy.No;

    /// <summary>null uses <see cref="LoggingSteps"/>, as in HF.</summary>
    public int? EvalSteps { get; init; }

    public IntervalStrategy SaveStrategy { get; init; } = IntervalStrategy.Steps;

    public int SaveSteps { get; init; } = 500;

    /// <summary>Keep at most this many checkpoints (the best one is never deleted); null keeps all.</summary>
    public int? SaveTotalLimit { get; init; }

    public bool LoadBestModelAtEnd { get; init; }

    /// <summary><c>f1</c> or <c>eval_f1</c>; null is <c>loss</c> when a best model or early stopping needs one.</summary>
    public string? MetricForBestModel { get; init; }

    /// <summary>null: lower is better for a metric ending in <c>loss</c>, higher for any other.</summary>
    public bool? GreaterIsBetter { get; init; }

    /// <summary>Stop after this many evaluations without improvement; null disables early stopping.</summary>
    public int? EarlyStoppingPatience { get; init; }

    public double EarlyStoppingThreshold { get; init; }

    /// <summary>A checkpoint folder, or <c>latest</c> for the newest <c>checkpoint-N</c> in <see cref="OutputDir"/>.</summary>
    public string? ResumeFromCheckpoint { get; init; }

    /// <summary>
    /// HF's <c>overwrite_output_dir</c>: a fresh run into an <see cref="OutputDir"/> that holds another run's
    /// checkpoints deletes them (and that run's model, metrics and event log) instead of refusing to start.
    /// </summary>
    public bool OverwriteOutputDir { get; init; }

    public double MultiLabelThreshold { get; init; } = 0.5;

    public IReadOnlyList<ReportSink> ReportTo { get; init; } = [ReportSink.Console];

    internal int EffectiveEvalBatchSize => EvalBatchSize ?? BatchSize;

    internal int EffectiveEvalSteps => EvalSteps ?? LoggingSteps;

    /// <summary>The metric key as it appears in evaluation results (<c>eval_</c> prefixed).</summary>
    internal string EffectiveBestMetric
    {
        get
        {
            var name = MetricForBestModel ?? "loss";
            return name.StartsWith("eval_", StringComparison.Ordinal) ? name : "eval_" + name;
        }
    }

    internal bool EffectiveGreaterIsBetter =>
        GreaterIsBetter ?? !(MetricForBestModel ?? "loss").EndsWith("loss", StringComparison.Ordinal);
}
