namespace BertFineTune.Training.Batching;

/// <summary>The orders in which examples are visited.</summary>
public static class Samplers
{
    /// <summary>HF's megabatch multiplier: megabatches hold 50 batches.</summary>
    public const int MegabatchMultiplier = 50;

    /// <summary>A seeded random permutation for one epoch (RandomSampler).</summary>
    public static int[] Random(int count, int seed, int epoch) => new ShuffleRng(seed, epoch).Permutation(count);

    /// <summary>
    /// HF's LengthGroupedSampler: a seeded random permutation cut into megabatches of 50 × batch size, each sorted by
    /// length (longest first); then the longest example overall is swapped to the very first position, so the first
    /// batch is the largest and an out-of-memory shows at once.
    /// </summary>
    public static int[] LengthGrouped(IReadOnlyList<int> lengths, int batchSize, int seed, int epoch)
    {
        var indices = Random(lengths.Count, seed, epoch);
        var megabatchSize = MegabatchMultiplier * batchSize;
        var megabatches = indices.Chunk(megabatchSize)
            .Select(m => m.OrderByDescending(i => lengths[i]).ToArray()) // OrderBy is stable, as Python's sorted
            .ToArray();
        if (megabatches.Length == 0)
        {
            return [];
        }

        var maxIndex = 0;
        for (var m = 1; m < megabatches.Length; m++)
        {
            if (lengths[megabatches[m][0]] > lengths[megabatches[maxIndex][0]])
            {
                maxIndex = m;
            }
        }

        (megabatches[0][0], megabatches[maxIndex][0]) = (megabatches[maxIndex][0], megabatches[0][0]);
        return megabatches.SelectMany(m => m).ToArray();
    }

    /// <summary>Evaluation order: longest first (stable), so each batch pads little; outputs are put back in input order.</summary>
    public static int[] ByLengthDescending(IReadOnlyList<int> lengths) =>
        Enumerable.Range(0, lengths.Count).OrderByDescending(i => lengths[i]).ToArray();
}
