namespace BertFineTune.Export.Onnx;

/// <summary>How the Linear weights of the encoder are stored.</summary>
public enum OnnxQuantization
{
    /// <summary>float32, as trained.</summary>
    None,

    /// <summary>Dynamic quantization: int8 weights (per output channel), activations quantized to uint8 at run time.</summary>
    Int8,
}

/// <summary>Options of <c>bertft export onnx</c>.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>The lowest and highest default-domain opset we write.</summary>
    public const int MinOpset = 12;

    public const int MaxOpset = 17;

    /// <summary>
    /// The ONNX opset. 12 (the default) writes LayerNorm, Unsqueeze and Softmax in the forms ONNX Runtime's BERT
    /// attention fusion matches; 17 writes the <c>LayerNormalization</c> operator itself.
    /// </summary>
    public int Opset { get; init; } = MinOpset;

    public OnnxQuantization Quantize { get; init; } = OnnxQuantization.None;
}
