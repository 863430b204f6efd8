namespace BertFineTune.Hub.Onnx;

/// <summary>A float32 tensor taken out of the ONNX graph, already renamed and laid out as Hugging Face stores it.</summary>
public sealed record ImportedTensor(string Name, long[] Shape, float[] Values);
