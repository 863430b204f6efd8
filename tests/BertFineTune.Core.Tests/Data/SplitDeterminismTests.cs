using BertFineTune.Data.Splitting;

namespace BertFineTune.Tests.Data;

/// <summary>The split depends only on the seed and the input: the generator is the published SplitMix64, pinned here.</summary>
public sealed class SplitDeterminismTests
{
    [Fact]
    public void The_generator_is_splitmix64()
    {
        // Reference outputs of SplitMix64 (Steele, Lea and Flood 2014) from state 0.
        var random = new SeededRandom(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, random.NextUInt64());
        Assert.Equal(0x6E789E6AA1B965F4UL, random.NextUInt64());
    }

    [Fact]
    public void A_seed_gives_one_fixed_split()
    {
        var strata = new[] { 0, 1, 0, 1, 0, 1, 0, 1, 0, 0 };
        var first = DatasetSplitter.Split(strata.Length, strata, [0.6, 0.2, 0.2], seed: 42);
        var again = DatasetSplitter.Split(strata.Length, strata, [0.6, 0.2, 0.2], seed: 42);

        Assert.Equal(first, again);
        Assert.Equal([6, 2, 2], first.Select(p => p.Length));
        Assert.Equal(Enumerable.Range(0, 10), first.SelectMany(p => p).Order());
        Assert.Equal(Pinned, first);
    }

    // Class 0 (six items) splits 4/1/1 and class 1 (four items) 2/1/1 by largest remainder; the order comes from the seed.
    private static readonly int[][] Pinned = [[0, 8, 1, 4, 7, 6], [9, 3], [5, 2]];
}
