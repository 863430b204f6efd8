namespace BertFineTune.Data;

/// <summary>Summary of a set of lengths (characters, words, or tokens).</summary>
public sealed record LengthStats(int Count, int Min, int Max, double Mean, int Median, int P95)
{
    public static LengthStats Empty { get; } = new(0, 0, 0, 0, 0, 0);

    /// <summary>Statistics of <paramref name="lengths"/>; the percentiles use the nearest-rank method.</summary>
    public static LengthStats From(IEnumerable<int> lengths)
    {
        var sorted = lengths.Order().ToArray();
        if (sorted.Length == 0)
        {
            return Empty;
        }

        return new LengthStats(
            sorted.Length,
            sorted[0],
            sorted[^1],
            Math.Round(sorted.Average(x => (double)x), 2),
            NearestRank(sorted, 0.5),
            NearestRank(sorted, 0.95));
    }

    private static int NearestRank(int[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
