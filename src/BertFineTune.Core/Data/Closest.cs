using BertFineTune.Diagnostics;

namespace BertFineTune.Data;

/// <summary>"Did you mean": the candidate closest to what the user typed, by case-insensitive edit distance.</summary>
public static class Closest
{
    /// <summary>The closest candidate, or null when none is reasonably close (more than half the name would have to change).</summary>
    public static string? Match(string typed, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(typed.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best is not null && bestDistance <= Math.Max(2, Math.Max(typed.Length, best.Length) / 2) ? best : null;
    }

    /// <summary>Levenshtein distance.</summary>
    public static int Distance(string a, string b) => Levenshtein.Distance(a, b);
}
