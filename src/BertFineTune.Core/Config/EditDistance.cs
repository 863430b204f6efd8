namespace BertFineTune.Config;

/// <summary>Levenshtein distance, for "did you mean …?" suggestions.</summary>
public static class EditDistance
{
    public static int Between(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    /// <summary>The candidate closest to <paramref name="word"/>, if it is close enough to be a likely typo.</summary>
    public static string? Closest(string word, IEnumerable<string> candidates)
    {
        var best = candidates
            .Select(c => (Candidate: c, Distance: Between(word.ToLowerInvariant(), c.ToLowerInvariant())))
            .OrderBy(c => c.Distance)
            .FirstOrDefault();
        var limit = Math.Max(2, word.Length / 3);
        return best.Candidate is not null && best.Distance <= limit ? best.Candidate : null;
    }
}
