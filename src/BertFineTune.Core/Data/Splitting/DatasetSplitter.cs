namespace BertFineTune.Data.Splitting;

/// <summary>
/// Seeded train/validation/test split.
/// <list type="bullet">
/// <item>Single-label: stratified. Each class (in label-id order) is shuffled and cut by the largest-remainder method, so
/// every split's count of every class is within 1 of its ratio; a class too small to reach train by rounding gives
/// train one example from its largest other split, so every class appears in train.</item>
/// <item>Multi-label: stratifying over label sets is ill-defined, so all rows are shuffled and cut by the same
/// largest-remainder rule (a seeded random split).</item>
/// </list>
/// Each split is shuffled at the end so classes interleave. The generator is <see cref="SeededRandom"/> (SplitMix64):
/// the same seed and input give the same split on every run and machine.
/// </summary>
public static class DatasetSplitter
{
    /// <summary>Index lists for train, validation and test. <paramref name="strata"/> gives each item's class, or null for a plain random split.</summary>
    public static int[][] Split(int count, IReadOnlyList<int>? strata, IReadOnlyList<double> ratios, int seed)
    {
        var random = new SeededRandom(seed);
        var parts = new[] { new List<int>(), new List<int>(), new List<int>() };
        var groups = strata is null
            ? [Enumerable.Range(0, count).ToList()]
            : Enumerable.Range(0, count).GroupBy(i => strata[i]).OrderBy(g => g.Key).Select(g => g.ToList()).ToList();
        foreach (var group in groups)
        {
            random.Shuffle(group);
            var sizes = SplitRatios.LargestRemainder(group.Count, ratios);
            if (strata is not null && sizes[0] == 0 && group.Count > 0)
            {
                var donor = sizes[1] >= sizes[2] ? 1 : 2;
                sizes[donor]--;
                sizes[0]++;
            }

            var offset = 0;
            for (var p = 0; p < 3; p++)
            {
                parts[p].AddRange(group.GetRange(offset, sizes[p]));
                offset += sizes[p];
            }
        }

        foreach (var part in parts)
        {
            random.Shuffle(part);
        }

        return parts.Select(p => p.ToArray()).ToArray();
    }
}
