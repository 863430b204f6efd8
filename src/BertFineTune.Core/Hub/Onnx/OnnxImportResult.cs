namespace BertFineTune.Hub.Onnx;

/// <summary>What an ONNX import produced.</summary>
/// <remarks>
/// HeadsSource says where <c>num_attention_heads</c> came from: <c>"reshape constants"</c> (the graph's
/// attention Reshape shapes) or <c>"default hidden/64"</c> when the graph does not show it.
/// </remarks>
public sealed record OnnxImportResult(
    string OutputDirectory,
    int HiddenSize,
    int NumLayers,
    int NumHeads,
    string HeadsSource,
    int IntermediateSize,
    int VocabSize,
    int TensorCount);
