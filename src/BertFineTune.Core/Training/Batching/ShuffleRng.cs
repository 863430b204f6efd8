namespace BertFineTune.Training.Batching;

/// <summary>
/// SplitMix64: a tiny RNG whose whole state is one ulong, so that data order depends only on (seed, epoch) and a
/// resumed run sees exactly the batches the uninterrupted run would have seen.
/// </summary>
internal sealed class ShuffleRng
{
    private ulong _state;

    public ShuffleRng(int seed, int epoch)
    {
        _state = unchecked(((ulong)(uint)seed << 32) ^ (ulong)(uint)epoch ^ 0x9E3779B97F4A7C15UL);
    }

    public ulong Next()
    {
        unchecked
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>Uniform in [0, bound).</summary>
    public int NextInt(int bound) => (int)(Next() % (ulong)bound);

    /// <summary>A Fisher–Yates permutation of 0..n-1.</summary>
    public int[] Permutation(int n)
    {
        var order = Enumerable.Range(0, n).ToArray();
        for (var i = n - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order;
    }
}
