namespace BertFineTune.Data.Splitting;

/// <summary>
/// SplitMix64: a tiny, fully specified generator, so a seed gives the same split on every machine and every .NET
/// version (System.Random's algorithm is an implementation detail we do not want splits to depend on).
/// </summary>
internal sealed class SeededRandom(int seed)
{
    private ulong _state = unchecked((ulong)(long)seed);

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform integer in [0, <paramref name="bound"/>) without modulo bias (rejection sampling).</summary>
    public int NextInt(int bound)
    {
        var limit = ulong.MaxValue - (ulong.MaxValue % (ulong)bound);
        ulong x;
        do
        {
            x = NextUInt64();
        }
        while (x >= limit);

        return (int)(x % (ulong)bound);
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
