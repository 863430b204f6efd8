namespace BertFineTune.Evaluation;

/// <summary>How to turn an <see cref="EvalPrediction"/> into metrics.</summary>
/// <param name="LabelNames">One name per class/label id (the model's <c>id2label</c>); null gives HF's <c>LABEL_0</c>, <c>LABEL_1</c>, ….</param>
/// <param name="Loss">The mean evaluation loss, if the caller computed it; it is reported as <c>loss</c>.</param>
/// <param name="MultiLabelThreshold">Multi-label only: a label is predicted when its sigmoid probability is at least this.</param>
public sealed record MetricsOptions(
    IReadOnlyList<string>? LabelNames = null,
    double? Loss = null,
    double MultiLabelThreshold = 0.5);
