namespace BertFineTune.Inference;

/// <summary>Turns one text's logits into a <see cref="TextPrediction"/>: softmax (single-label) or sigmoid and a threshold (multi-label).</summary>
public static class Predictions
{
    public static TextPrediction FromLogits(float[] logits, IReadOnlyList<string> labels, bool multiLabel, float multiLabelThreshold)
    {
        var probabilities = multiLabel ? Probabilities.Sigmoid(logits) : Probabilities.Softmax(logits);
        var best = 0;
        for (var i = 1; i < probabilities.Length; i++)
        {
            if (probabilities[i] > probabilities[best])
            {
                best = i;
            }
        }

        IReadOnlyList<string> predicted = multiLabel
            ? Enumerable.Range(0, probabilities.Length)
                .Where(i => probabilities[i] >= multiLabelThreshold)
                .OrderByDescending(i => probabilities[i])
                .Select(i => labels[i])
                .ToArray()
            : [labels[best]];
        return new TextPrediction(labels[best], best, probabilities[best], predicted, probabilities, logits);
    }
}
