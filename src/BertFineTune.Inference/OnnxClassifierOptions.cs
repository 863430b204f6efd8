namespace BertFineTune.Inference;

/// <summary>How an <see cref="OnnxTextClassifier"/> runs its model.</summary>
public sealed record OnnxClassifierOptions
{
    /// <summary>Tokens per text after truncation, special tokens included; null uses the model's limit.</summary>
    public int? MaxLength { get; init; }

    /// <summary>Texts per model run. Texts are sorted by length first, so each batch pads little.</summary>
    public int BatchSize { get; init; } = 64;

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
