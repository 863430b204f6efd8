using BertFineTune.Models;

namespace BertFineTune.Data;

/// <summary>How label cells are read.</summary>
/// <param name="ProblemType"><c>problem_type</c>: one label per row, or several (multi-hot).</param>
/// <param name="LabelDelimiter"><c>label_delimiter</c>: separates the labels of one cell in multi-label data.</param>
public sealed record LabelOptions(
    ProblemType ProblemType = ProblemType.SingleLabelClassification,
    string LabelDelimiter = "|")
{
    public static LabelOptions Default { get; } = new();
}
