using System.Runtime.CompilerServices;
using BertFineTune.Diagnostics;
using BertFineTune.Evaluation;
using BertFineTune.Models;
using BertFineTune.Text.Tokenization;
using BertFineTune.Training.Batching;
using BertFineTune.Training.Precision;
using static TorchSharp.torch;

namespace BertFineTune.Training;

/// <summary>
/// Fine-tunes a <see cref="SequenceClassificationModel"/> with Hugging Face Trainer semantics (transformers v4.57):
/// AdamW (per-parameter or fused), LR schedules with warmup, gradient accumulation, clipping, bf16, strategies for
/// logging/evaluation/saving, checkpoints with resume, best model, early stopping.
/// </summary>
public sealed class Trainer
{
    // Each example list is tokenized once (truncated to max_length) and reused by training, every evaluation of it
    // and the token-length statistics; keyed by the list itself, so a list the caller drops is dropped here too.
    private readonly ConditionalWeakTable<IReadOnlyList<TrainingExample>, TokenizedDataset> _encodings = [];

    public Trainer(
        SequenceClassificationModel model,
        ITextTokenizer tokenizer,
        TrainerOptions options,
        Func<EvalPrediction, IReadOnlyDictionary<string, double>>? computeMetrics = null)
    {
        TrainerOptionsValidator.Validate(options);
        Model = model;
        Tokenizer = tokenizer;
        Options = options;
        ComputeMetrics = computeMetrics;
        Device = DeviceResolver.Resolve(options.Device);
        Precision = PrecisionPlan.Resolve(options.Bf16, options.Fp16, Device);
        MaxLength = Math.Min(options.MaxLength, model.MaxSequenceLength);
        Warnings = [.. new[] { Precision.Warning, MaxLengthWarning(options.MaxLength, model.MaxSequenceLength) }.OfType<UserError>()];
    }

    public SequenceClassificationModel Model { get; }

    public ITextTokenizer Tokenizer { get; }

    public TrainerOptions Options { get; }

    public Func<EvalPrediction, IReadOnlyDictionary<string, double>>? ComputeMetrics { get; }

    /// <summary>The device training runs on (<c>device: auto</c> resolved).</summary>
    public Device Device { get; }

    public PrecisionPlan Precision { get; }

    /// <summary>Observers of the run (experiment trackers); HF's <c>callbacks</c>.</summary>
    public IReadOnlyList<ITrainerCallback> Callbacks { get; init; } = [];

    /// <summary>
    /// Tokens per example after truncation: <see cref="TrainerOptions.MaxLength"/>, capped at the model's limit (its
    /// position embeddings), as the tokenizers' <c>model_max_length</c> caps it for HF users.
    /// </summary>
    public int MaxLength { get; }

    /// <summary>Warnings known before training starts (for example the fp16 → bf16 fallback on a CPU, or a capped max_length).</summary>
    public IReadOnlyList<UserError> Warnings { get; }

    /// <summary>
    /// Trains on <paramref name="train"/>, evaluating on <paramref name="eval"/> as <c>eval_strategy</c> says, and
    /// writes checkpoints, <c>logs/events.jsonl</c> and finally <c>model/</c> under <c>output_dir</c>.
    /// Cancelling stops between steps: completed checkpoints stay and the run can be resumed from them.
    /// </summary>
    public Task<TrainingResult> TrainAsync(
        IReadOnlyList<TrainingExample> train,
        IReadOnlyList<TrainingExample>? eval = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        // One long-running thread: TorchSharp dispose scopes are per thread, and training must not block a pool thread.
        return Task.Factory.StartNew(
            () =>
            {
                using var run = new TrainingRun(this, train, eval, progress, cancellationToken);
                return run.Run();
            },
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    /// <summary>
    /// Evaluates the model on <paramref name="examples"/> (batches sorted by length, outputs in input order):
    /// <c>&lt;prefix&gt;_loss</c>, the metrics of <see cref="ComputeMetrics"/> with the prefix, runtime and throughput.
    /// </summary>
    public EvaluationOutput Evaluate(IReadOnlyList<TrainingExample> examples, string metricKeyPrefix = "eval", CancellationToken cancellationToken = default)
    {
        using var evaluator = new Evaluator(this, examples);
        return evaluator.Run(metricKeyPrefix, cancellationToken);
    }

    /// <summary>
    /// Each example's token count before truncation to <c>max_length</c> (special tokens included), for choosing
    /// <c>max_length</c> from data. The encodings are kept: training and evaluation of the same list reuse them.
    /// </summary>
    public int[] UntruncatedTokenLengths(IReadOnlyList<TrainingExample> examples) =>
        Encodings(examples).UntruncatedLengths(Environment.ProcessorCount);

    /// <summary>BFT311 when <paramref name="asked"/> is above the model's <paramref name="limit"/>: training goes on at the limit.</summary>
    private static UserError? MaxLengthWarning(int asked, int limit) => asked <= limit
        ? null
        : new UserError(
            "BFT311",
            $"max_length {asked} is above this model's limit of {limit} tokens (its position embeddings); texts are truncated at {limit}. Set max_length to {limit} or less to silence this.",
            Key: "hyperparameters.max_length",
            Severity: Severity.Warning);

    /// <summary>The (cached) encodings of <paramref name="examples"/>; a list whose length changed is encoded afresh.</summary>
    internal TokenizedDataset Encodings(IReadOnlyList<TrainingExample> examples)
    {
        if (_encodings.TryGetValue(examples, out var cached) && cached.Count == examples.Count)
        {
            return cached;
        }

        var fresh = new TokenizedDataset(examples, Tokenizer, MaxLength);
        _encodings.AddOrUpdate(examples, fresh);
        return fresh;
    }
}
