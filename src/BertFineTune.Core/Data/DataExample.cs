namespace BertFineTune.Data;

/// <summary>One prepared example: the cleaned text, its label id(s), and where it came from.</summary>
/// <param name="Text">The text after preprocessing.</param>
/// <param name="LabelIds">Sorted label ids: exactly one for single-label data, one or more for multi-label data.</param>
/// <param name="Source">The file name the row came from (for reports).</param>
/// <param name="Line">The row's 1-based line (or sheet row) in that file.</param>
public sealed record DataExample(string Text, IReadOnlyList<int> LabelIds, string Source, int Line)
{
    /// <summary>The single label id; throws for a multi-label example with several labels.</summary>
    public int LabelId => LabelIds.Count == 1
        ? LabelIds[0]
        : throw new InvalidOperationException($"This example has {LabelIds.Count} labels; use {nameof(MultiHot)} for multi-label data.");

    /// <summary>The multi-hot target: 1 at each of <see cref="LabelIds"/>, 0 elsewhere.</summary>
    public float[] MultiHot(int labelCount)
    {
        var target = new float[labelCount];
        foreach (var id in LabelIds)
        {
            target[id] = 1f;
        }

        return target;
    }
}
