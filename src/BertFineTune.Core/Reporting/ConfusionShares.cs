using BertFineTune.Evaluation;

namespace BertFineTune.Reporting;

/// <summary>Each cell's share of its true class (row), which is what the heat maps colour by.</summary>
internal static class ConfusionShares
{
    public static double[][] RowShares(ConfusionMatrix matrix) =>
        [.. matrix.Counts.Select(row =>
        {
            double total = row.Sum();
            return row.Select(count => total > 0 ? count / total : 0.0).ToArray();
        })];
}
