namespace BertFineTune.Inference;

/// <summary>How an <see cref="OnnxTextClassifier"/> runs its model.</summary>
public sealed record OnnxClassifierOptions
{
    /// <summary>Tokens per text after truncation, special tokens included; null uses the model's limit.</summary>
    public int? MaxLength { get; init; }

    /// <summary>
    /// The default texts per model run, for both runtimes. Measured on 1,024 fortunes texts with MiniLM (2 cores): 16
    /// beat 64 by 20–25% on ONNX Runtime (fp32 3.9 vs 4.8 s, int8 2.25 vs 2.8 s) and a little on TorchSharp; smaller
    /// length-sorted batches pad less and keep the activations in cache.
    /// </summary>
    public const int DefaultBatchSize = 16;

    /// <summary>Texts per model run. Texts are sorted by length first, so each batch pads little.</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>Multi-label models only: a label is predicted when its sigmoid probability is at least this.</summary>
    public float MultiLabelThreshold { get; init; } = 0.5f;

    /// <summary>Threads ONNX Runtime uses inside one run; null lets it use every core.</summary>
    public int? IntraOpThreads { get; init; }

    /// <summary>
    /// Whether ONNX Runtime's worker threads spin for a moment after each run instead of sleeping. Spinning saves the
    /// wake-up between back-to-back runs (batch prediction); a server whose request handling shares the cores does
    /// better without it: <c>bertft serve</c> turns it off (int8 MiniLM, 32 clients on 2 cores: 239 → 316 req/s).
    /// </summary>
    public bool SpinBetweenRuns { get; init; } = true;

    /// <summary>When set, ONNX Runtime writes the graph after its optimizations (fusions) to this file, for inspection.</summary>
    public string? OptimizedModelPath { get; init; }
}
