using BertFineTune.Diagnostics;

namespace BertFineTune.Config;

/// <summary>Levenshtein distance, for "did you mean …?" suggestions.</summary>
public static class EditDistance
{
    public static int Between(string a, string b) => Levenshtein.Distance(a, b);

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
