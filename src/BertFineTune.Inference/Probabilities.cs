namespace BertFineTune.Inference;

/// <summary>Logits to probabilities, in double precision so that the result does not depend on batch composition.</summary>
internal static class Probabilities
{
    public static float[] Softmax(IReadOnlyList<float> logits)
    {
        var max = logits.Max();
        var exps = logits.Select(l => Math.Exp(l - max)).ToArray();
        var sum = exps.Sum();
        return exps.Select(e => (float)(e / sum)).ToArray();
    }

    public static float[] Sigmoid(IReadOnlyList<float> logits) =>
        logits.Select(l => (float)(1.0 / (1.0 + Math.Exp(-l)))).ToArray();
}
