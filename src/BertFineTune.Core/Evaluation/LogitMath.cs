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

    /// <summary>
    /// The mean cross-entropy of softmax(logits) against class ids: <c>torch.nn.CrossEntropyLoss()</c> with its
    /// defaults, which is the loss a HF model reports without label smoothing or class weights.
    /// </summary>
    public static double MeanCrossEntropy(IReadOnlyList<float[]> logits, IReadOnlyList<int> labelIds)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labelIds);
        if (logits.Count != labelIds.Count || logits.Count == 0)
        {
            throw new ArgumentException($"Need one label id per logit row and at least one row; got {logits.Count} rows and {labelIds.Count} ids.", nameof(labelIds));
        }

        double total = 0;
        for (var i = 0; i < logits.Count; i++)
        {
            var row = logits[i];
            if ((uint)labelIds[i] >= (uint)row.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(labelIds), $"Label id {labelIds[i]} at row {i} is outside 0..{row.Length - 1}.");
            }

            // -log softmax(x)[y] = logsumexp(x) - x[y], shifted by the max so it never overflows.
            double max = double.NegativeInfinity;
            foreach (var value in row)
            {
                max = Math.Max(max, value);
            }

            double sum = 0;
            foreach (var value in row)
            {
                sum += Math.Exp(value - max);
            }

            total += max + Math.Log(sum) - row[labelIds[i]];
        }

        return total / logits.Count;
    }

    /// <summary>
    /// The mean binary cross-entropy of sigmoid(logits) against multi-hot targets, over every (row, label) cell:
    /// <c>torch.nn.BCEWithLogitsLoss()</c> with its defaults, the multi-label loss of a HF model.
    /// </summary>
    public static double MeanBinaryCrossEntropyWithLogits(IReadOnlyList<float[]> logits, IReadOnlyList<float[]> targets)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        if (logits.Count != targets.Count || logits.Count == 0)
        {
            throw new ArgumentException($"Need one target row per logit row and at least one row; got {logits.Count} and {targets.Count}.", nameof(targets));
        }

        double total = 0;
        long cells = 0;
        for (var i = 0; i < logits.Count; i++)
        {
            if (logits[i].Length != targets[i].Length)
            {
                throw new ArgumentException($"Row {i} has {logits[i].Length} logits but {targets[i].Length} targets.", nameof(targets));
            }

            for (var c = 0; c < logits[i].Length; c++)
            {
                // torch's stable form: max(x, 0) - x*y + log(1 + exp(-|x|)).
                double x = logits[i][c];
                total += Math.Max(x, 0) - (x * targets[i][c]) + Math.Log(1 + Math.Exp(-Math.Abs(x)));
                cells++;
            }
        }

        return total / cells;
    }
}
