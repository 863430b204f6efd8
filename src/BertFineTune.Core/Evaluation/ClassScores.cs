namespace BertFineTune.Evaluation;

/// <summary>One row of the per-class (per-label) table.</summary>
/// <param name="Id">The class id (index into the model's labels).</param>
/// <param name="Label">The class name.</param>
/// <param name="Precision">TP / (TP + FP), 0 when the class was never predicted.</param>
/// <param name="Recall">TP / (TP + FN), 0 when the class never occurs in the targets.</param>
/// <param name="F1">2·TP / (2·TP + FP + FN), 0 when that is 0/0 (scikit-learn's <c>zero_division=0</c>).</param>
/// <param name="Support">How many examples truly have this class.</param>
/// <param name="Predicted">How many examples were predicted as this class (TP + FP).</param>
/// <param name="TruePositives">Correct predictions of this class.</param>
public sealed record ClassScores(
    int Id,
    string Label,
    double Precision,
    double Recall,
    double F1,
    int Support,
    int Predicted,
    int TruePositives);

/// <summary>Precision, recall and F1 under one averaging rule (binary, micro, macro or weighted).</summary>
public sealed record AveragedScores(double Precision, double Recall, double F1);
