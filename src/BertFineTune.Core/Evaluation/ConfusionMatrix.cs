namespace BertFineTune.Evaluation;

/// <summary>
/// Counts of (true class, predicted class) pairs: <c>Counts[t][p]</c> is how many examples of class <c>t</c>
/// were predicted as <c>p</c> (rows = true, columns = predicted, as scikit-learn's <c>confusion_matrix</c>).
/// </summary>
/// <param name="Labels">The class names, in id order; they name both the rows and the columns.</param>
/// <param name="Counts">A square matrix, <c>Labels.Count</c> by <c>Labels.Count</c>.</param>
public sealed record ConfusionMatrix(IReadOnlyList<string> Labels, IReadOnlyList<IReadOnlyList<int>> Counts)
{
    /// <summary>The number of examples counted.</summary>
    public int Total => Counts.Sum(row => row.Sum());
}
