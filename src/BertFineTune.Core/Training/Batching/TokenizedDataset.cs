using BertFineTune.Text.Tokenization;

namespace BertFineTune.Training.Batching;

/// <summary>
/// Examples with their encodings, tokenized on first use (by the batch pipeline, possibly on background workers) and
/// cached for later epochs.
/// </summary>
internal sealed class TokenizedDataset
{
    private readonly TokenizedText?[] _cache;

    public TokenizedDataset(IReadOnlyList<TrainingExample> examples, ITextTokenizer tokenizer, int maxLength)
    {
        Examples = examples;
        Tokenizer = tokenizer;
        MaxLength = maxLength;
        _cache = new TokenizedText?[examples.Count];
    }

    public IReadOnlyList<TrainingExample> Examples { get; }

    public ITextTokenizer Tokenizer { get; }

    public int MaxLength { get; }

    public int Count => Examples.Count;

    /// <summary>Thread-safe: two workers may encode the same example; both results are equal.</summary>
    public TokenizedText Get(int index)
    {
        var cached = Volatile.Read(ref _cache[index]);
        if (cached is not null)
        {
            return cached;
        }

        var e = Examples[index];
        var encoded = Tokenizer.Encode(e.Text, e.TextPair, MaxLength);
        Volatile.Write(ref _cache[index], encoded);
        return encoded;
    }

    /// <summary>Token counts of all examples (tokenizes everything, in parallel).</summary>
    public int[] Lengths(int degreeOfParallelism) => Each(degreeOfParallelism, t => t.Length);

    /// <summary>Token counts before truncation (tokenizes everything, in parallel, into the same cache).</summary>
    public int[] UntruncatedLengths(int degreeOfParallelism) => Each(degreeOfParallelism, t => t.UntruncatedLength);

    private int[] Each(int degreeOfParallelism, Func<TokenizedText, int> select)
    {
        var values = new int[Count];
        Parallel.For(0, Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, degreeOfParallelism) }, i => values[i] = select(Get(i)));
        return values;
    }
}
