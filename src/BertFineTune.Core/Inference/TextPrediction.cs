namespace BertFineTune.Inference;

/// <summary>What a <see cref="TextClassifier"/> says about one text.</summary>
/// <param name="Label">The most probable label.</param>
/// <param name="LabelId">Its id (index into <see cref="TextClassifier.Labels"/>).</param>
/// <param name="Score">The probability of <paramref name="Label"/>.</param>
/// <param name="PredictedLabels">Single-label: <paramref name="Label"/> alone. Multi-label: every label whose probability reaches the threshold (possibly none), most probable first.</param>
/// <param name="Probabilities">One per label, in label-id order: softmax for single-label models, sigmoid for multi-label ones.</param>
/// <param name="Logits">The raw logits, in label-id order.</param>
public sealed record TextPrediction(
    string Label,
    int LabelId,
    float Score,
    IReadOnlyList<string> PredictedLabels,
    IReadOnlyList<float> Probabilities,
    IReadOnlyList<float> Logits);

/// <summary>How far a long <see cref="TextClassifier.PredictBatch(IReadOnlyList{string}, IProgress{InferenceProgress}?, CancellationToken)"/> has come.</summary>
public sealed record InferenceProgress(int Done, int Total);
