namespace BertFineTune.Models.Configuration;

/// <summary>The <c>problem_type</c> strings of HF configs.</summary>
public static class ProblemTypeNames
{
    public const string SingleLabel = "single_label_classification";
    public const string MultiLabel = "multi_label_classification";

    public static string ToHf(ProblemType problem) => problem switch
    {
        ProblemType.MultiLabelClassification => MultiLabel,
        _ => SingleLabel,
    };

    public static ProblemType? FromHf(string name) => name switch
    {
        SingleLabel => ProblemType.SingleLabelClassification,
        MultiLabel => ProblemType.MultiLabelClassification,
        _ => null,
    };
}
