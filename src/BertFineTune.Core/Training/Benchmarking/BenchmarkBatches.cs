using BertFineTune.Text.Tokenization;
using BertFineTune.Training.Batching;

namespace BertFineTune.Training.Benchmarking;

/// <summary>One training batch as the Trainer will see it: real tokens per text, and the padded length (its longest).</summary>
public sealed record BatchShape(IReadOnlyList<int> Lengths)
{
    public int Rows => Lengths.Count;

    /// <summary>The longest text: what dynamic padding pads to (at least 1, as the collator does).</summary>
    public int PaddedLength => Math.Max(1, Lengths.Max());

    public long RealTokens => Lengths.Sum(l => (long)l);

    public long PaddedTokens => (long)Rows * PaddedLength;

    /// <summary>Σ L² over the texts: what attention costs on real tokens.</summary>
    public double SquaredLengths => Lengths.Sum(l => (double)l * l);
}

/// <summary>
/// The batches of a one-epoch Trainer run, computed the way the Trainer builds them
/// (seeded random order, chunks of the batch size, dynamic padding), so that padded and real token counts are known
/// per step without reaching into the Trainer.
/// </summary>
public static class BenchmarkBatches
{
    public static IReadOnlyList<BatchShape> Plan(IReadOnlyList<TrainingExample> examples, ITextTokenizer tokenizer, int maxLength, int batchSize, int seed)
    {
        var lengths = examples.Select(e => tokenizer.Encode(e.Text, e.TextPair, maxLength).Length).ToArray();
        return Samplers.Random(examples.Count, seed, epoch: 0)
            .Chunk(batchSize)
            .Select(chunk => new BatchShape(chunk.Select(i => lengths[i]).ToArray()))
            .ToList();
    }
}
