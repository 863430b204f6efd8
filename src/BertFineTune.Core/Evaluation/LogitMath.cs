namespace BertFineTune.Evaluation;

/// <summary>
/// Softmax, sigmoid and argmax over plain float logits, so metrics need no tensor library.
/// Computed in double and shifted by the row maximum, as torch does, so large logits never overflow.
/// </summary>
public static class LogitMath
{
    /// <summary>The softmax of one row of logits.</summary>
    public static double[] Softmax(ReadOnlySpan<float> logits)
    {
        if (logits.IsEmpty)
        {
            throw new ArgumentException("At least one logit is required.", nameof(logits));
        }

        double max = double.NegativeInfinity;
        foreach (var value in logits)
        {
            max = Math.Max(max, value);
        }

        var probabilities = new double[logits.Length];
        double sum = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            probabilities[i] = Math.Exp(logits[i] - max);
            sum += probabilities[i];
        }

        for (var i = 0; i < probabilities.Length; i++)
        {
            probabilities[i] /= sum;
        }

        return probabilities;
    }

    /// <summary>The logistic sigmoid, written so that neither tail overflows.</summary>
    public static double Sigmoid(double logit) =>
        logit >= 0 ? 1.0 / (1.0 + Math.Exp(-logit)) : Math.Exp(logit) / (1.0 + Math.Exp(logit));

    /// <summary>The sigmoid of every logit in a row (multi-label probabilities).</summary>
    public static double[] Sigmoid(ReadOnlySpan<float> logits)
    {
        var probabilities = new double[logits.Length];
        for (var i = 0; i < logits.Length; i++)
        {
            probabilities[i] = Sigmoid(logits[i]);
        }

        return probabilities;
    }

    /// <summary>The index of the largest logit; the first one wins a tie, as <c>torch.argmax</c> and <c>numpy.argmax</c> do.</summary>
    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        if (logits.IsEmpty)
        {
            throw new ArgumentException("At least one logit is required.", nameof(logits));
        }

        var best = 0;
        for (var i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best])
            {
                best = i;
            }
        }

        return best;
    }
}
