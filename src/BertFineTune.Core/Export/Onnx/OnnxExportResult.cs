namespace BertFineTune.Export.Onnx;

/// <summary>What an export wrote.</summary>
/// <param name="OutputDirectory">The folder with model.onnx, config.json and the tokenizer files.</param>
/// <param name="Architecture">The HF class exported, e.g. <c>BertForSequenceClassification</c>.</param>
/// <param name="Labels">The labels, in logit order.</param>
/// <param name="Inputs">The graph inputs, in order.</param>
/// <param name="ModelBytes">The size of model.onnx.</param>
/// <param name="Nodes">The number of nodes in the graph.</param>
/// <param name="Options">The opset and quantization written.</param>
public sealed record OnnxExportResult(
    string OutputDirectory,
    string Architecture,
    IReadOnlyList<string> Labels,
    IReadOnlyList<string> Inputs,
    long ModelBytes,
    int Nodes,
    OnnxExportOptions Options);
