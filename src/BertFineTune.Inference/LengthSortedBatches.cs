using BertFineTune.Text.Tokenization;

namespace BertFineTune.Inference;

/// <summary>Groups item indices into batches of similar length, longest first, so padding is small.</summary>
internal static class LengthSortedBatches
{
    /// <summary>Index groups covering every index once; the caller scatters results back by these indices.</summary>
    public static IReadOnlyList<int[]> Plan(IReadOnlyList<int> lengths, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        // Stable sort: equal lengths keep input order, which keeps runs reproducible.
        var order = Enumerable.Range(0, lengths.Count).OrderByDescending(i => lengths[i]).ToArray();
        return order.Chunk(batchSize).ToArray();
    }

    /// <summary>
    /// Runs <paramref name="forward"/> over length-sorted batches of <paramref name="encodings"/> and returns one logits
    /// row per encoding, in input order, reporting the rows done after each batch.
    /// </summary>
    public static float[][] Classify(
        TokenizedText[] encodings,
        int batchSize,
        Func<TokenizedText[], float[][]> forward,
        IProgress<InferenceProgress>? progress,
        CancellationToken cancellationToken)
    {
        var results = new float[encodings.Length][];
        var done = 0;
        foreach (var group in Plan([.. encodings.Select(e => e.Length)], batchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var logits = forward([.. group.Select(i => encodings[i])]);
            for (var row = 0; row < group.Length; row++)
            {
                results[group[row]] = logits[row];
            }

            done += group.Length;
            progress?.Report(new InferenceProgress(done, encodings.Length));
        }

        return results;
    }
}
