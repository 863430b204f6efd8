namespace BertFineTune.Tests.Training.Support;

/// <summary>
/// Tests that compare two training runs bit for bit run alone (after the parallel tests): torch's intra-op thread count
/// is process-wide, and a test training in parallel with <c>threads: 1</c> changed it between two such runs, so their
/// reductions summed in another order (a CI run saw embeddings differ by 1.8e-7). Tests that seed LibTorch's default
/// generator and expect its next draws join them for the same reason.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BitForBitRunsCollection
{
    public const string Name = "bit-for-bit training runs";
}
