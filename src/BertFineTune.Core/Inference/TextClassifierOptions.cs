namespace BertFineTune.Inference;

/// <summary>How a <see cref="TextClassifier"/> runs its model.</summary>
public sealed record TextClassifierOptions
{
    /// <summary>Tokens per text after truncation, special tokens included; null uses the model's <c>MaxSequenceLength</c>.</summary>
    public int? MaxLength { get; init; }

    /// <summary>Texts per forward pass. Texts are sorted by length first, so each batch pads little.</summary>
    public int BatchSize { get; init; } = OnnxClassifierOptions.DefaultBatchSize;

    /// <summary>Runs every Linear layer's matmul in bfloat16 (weights stay fp32; logits come back fp32).</summary>
    public bool UseBf16 { get; init; }

    /// <summary>
    /// Unpadded (packed) execution: the model computes the real tokens only and attention runs per sequence; same logits
    /// as the padded path within float rounding. False runs padded. TorchSharp only (ONNX graphs take padded batches).
    /// </summary>
    public bool Unpadded { get; init; } = true;

    /// <summary>Multi-label models only: a label is predicted when its sigmoid probability is at least this.</summary>
    public float MultiLabelThreshold { get; init; } = 0.5f;

    /// <summary>A TorchSharp device string: <c>cpu</c>, <c>cuda</c>, <c>cuda:1</c>.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>
    /// TorchSharp or ONNX Runtime. Null chooses: ONNX for a folder written by <c>bertft export onnx</c>, TorchSharp for
    /// an HF folder with weights.
    /// </summary>
    public InferenceRuntime? Runtime { get; init; }

    /// <summary>ONNX runtime only: <see cref="OnnxClassifierOptions.SpinBetweenRuns"/> (off for a server that shares its cores).</summary>
    public bool OnnxSpinBetweenRuns { get; init; } = true;
}

/// <summary>What executes the model.</summary>
public enum InferenceRuntime
{
    /// <summary>The TorchSharp modules (LibTorch).</summary>
    Torch,

    /// <summary>ONNX Runtime on an exported (or exported-in-memory) graph.</summary>
    Onnx,
}
