namespace BertFineTune.Inference;

/// <summary>What a classifier (<c>TextClassifier</c> in BertFineTune.Core, <see cref="OnnxTextClassifier"/> here) says about one text.</summary>
/// <param name="Label">The most probable label.</param>
/// <param name="LabelId">Its id (index into the classifier's labels).</param>
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

/// <summary>How far a long batch prediction has come: texts done of total.</summary>
public sealed record InferenceProgress(int Done, int Total);
