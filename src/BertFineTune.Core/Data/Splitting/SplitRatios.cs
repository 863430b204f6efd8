using System.Globalization;
using BertFineTune.Diagnostics;

namespace BertFineTune.Data.Splitting;

/// <summary>Checks <c>split_ratio</c> and turns it into exactly three ratios (test 0 when absent).</summary>
public static class SplitRatios
{
    public static double[] Validate(SplitOptions options)
    {
        var r = options.Ratios;
        string? problem = null;
        if (r.Count is < 2 or > 3)
        {
            problem = $"has {r.Count} values; give [train, validation] or [train, validation, test], for example [0.8, 0.1, 0.1]";
        }
        else if (r.Any(x => !double.IsFinite(x) || x < 0))
        {
            problem = "has a negative or non-numeric value; every ratio must be between 0 and 1";
        }
        else if (r[0] <= 0 || r[1] <= 0)
        {
            problem = "must give train and validation a ratio above 0";
        }
        else if (Math.Abs(r.Sum() - 1.0) > 1e-6)
        {
            problem = $"sums to {r.Sum().ToString("0.######", CultureInfo.InvariantCulture)}; the ratios must sum to 1";
        }

        if (problem is not null)
        {
            var where = options.Where;
            throw new UserErrorException(new UserError(
                DataErrorCodes.InvalidSplitRatio,
                $"split_ratio [{string.Join(", ", r.Select(x => x.ToString(CultureInfo.InvariantCulture)))}] {problem}.",
                where?.ConfigFile,
                where?.Line,
                where?.Column,
                where?.KeyPath ?? "training.split_ratio"));
        }

        return [r[0], r[1], r.Count == 3 ? r[2] : 0.0];
    }

    /// <summary>
    /// Splits <paramref name="n"/> items by <paramref name="ratios"/> with the largest-remainder method: each part gets
    /// the floor of its share, and the leftover items go to the parts with the largest fractional remainders (earlier
    /// part first on ties). Every part is then within 1 of its exact share.
    /// </summary>
    public static int[] LargestRemainder(int n, IReadOnlyList<double> ratios)
    {
        var exact = ratios.Select(r => r * n).ToArray();
        var counts = exact.Select(x => (int)Math.Floor(x + 1e-9)).ToArray();
        var left = n - counts.Sum();
        foreach (var i in Enumerable.Range(0, ratios.Count).Where(i => ratios[i] > 0).OrderByDescending(i => exact[i] - counts[i]).ThenBy(i => i))
        {
            if (left <= 0)
            {
                break;
            }

            counts[i]++;
            left--;
        }

        return counts;
    }
}
