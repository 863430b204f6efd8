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
}
