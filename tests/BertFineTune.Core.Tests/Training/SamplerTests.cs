using BertFineTune.Training.Batching;

namespace BertFineTune.Tests.Training;

public class SamplerTests
{
    [Fact]
    public void Random_order_is_a_seeded_permutation_that_changes_per_epoch()
    {
        var a = Samplers.Random(100, 42, 0);
        Assert.Equal(Enumerable.Range(0, 100), a.Order());
        Assert.Equal(a, Samplers.Random(100, 42, 0));
        Assert.NotEqual(a, Samplers.Random(100, 42, 1));
        Assert.NotEqual(a, Samplers.Random(100, 43, 0));
    }

    [Fact]
    public void Length_grouped_sorts_megabatches_and_puts_the_longest_first()
    {
        var rng = new Random(5);
        var lengths = Enumerable.Range(0, 1000).Select(_ => rng.Next(3, 200)).ToArray();
        lengths[777] = 500; // the longest example
        const int batch = 4;
        var order = Samplers.LengthGrouped(lengths, batch, 42, 0);

        Assert.Equal(Enumerable.Range(0, 1000), order.Order());
        Assert.Equal(777, order[0]);
        var mega = Samplers.MegabatchMultiplier * batch;
        var chunks = order.Chunk(mega).ToList();
        Assert.Equal(5, chunks.Count);

        // Every megabatch is sorted descending except for the one swapped element at its head.
        foreach (var chunk in chunks)
        {
            var tail = chunk.Skip(1).Select(i => lengths[i]).ToArray();
            Assert.Equal(tail.OrderByDescending(x => x), tail);
        }

        // Same seed, same order; and the megabatch members are those of the seeded permutation.
        Assert.Equal(order, Samplers.LengthGrouped(lengths, batch, 42, 0));
        var permChunks = Samplers.Random(1000, 42, 0).Chunk(mega).ToList();
        var home = permChunks.FindIndex(c => c.Contains(777));
        for (var m = 0; m < chunks.Count; m++)
        {
            if (m != 0 && m != home)
            {
                Assert.Equal(permChunks[m].Order(), chunks[m].Order());
            }
        }

        Assert.Equal(permChunks[0].Concat(permChunks[home]).Distinct().Order(), chunks[0].Concat(chunks[home]).Distinct().Order());
    }

    [Fact]
    public void Eval_order_is_longest_first_and_stable()
    {
        int[] lengths = [3, 9, 3, 7, 9];
        Assert.Equal([1, 4, 3, 0, 2], Samplers.ByLengthDescending(lengths));
    }
}
