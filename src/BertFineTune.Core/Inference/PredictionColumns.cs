using System.Globalization;

namespace BertFineTune.Inference;

/// <summary>
/// The columns <c>bertft predict</c> appends to each input row: <c>predicted_label</c>, <c>predicted_score</c>, one
/// <c>prob_&lt;label&gt;</c> per label and, with <c>--logits</c>, one <c>logit_&lt;label&gt;</c> per label.
/// The <c>predicted_</c> prefix keeps them apart from a gold <c>label</c> column in the input.
/// </summary>
/// <remarks>
/// Numbers are written with invariant culture and round-trip precision, so logits read back from the CSV equal the
/// model's float32 values exactly. For multi-label models <c>predicted_label</c> holds every predicted label, most
/// probable first, joined by <see cref="MultiLabelSeparator"/> (empty when none reaches the threshold).
/// </remarks>
public static class PredictionColumns
{
    public const string MultiLabelSeparator = "|";

    public static IReadOnlyList<string> Names(IReadOnlyList<string> labels, bool includeLogits) =>
    [
        "predicted_label",
        "predicted_score",
        .. labels.Select(l => "prob_" + l),
        .. includeLogits ? labels.Select(l => "logit_" + l) : [],
    ];

    public static IReadOnlyList<string> Values(TextPrediction prediction, bool multiLabel, bool includeLogits) =>
    [
        multiLabel ? string.Join(MultiLabelSeparator, prediction.PredictedLabels) : prediction.Label,
        Format(prediction.Score),
        .. prediction.Probabilities.Select(Format),
        .. includeLogits ? prediction.Logits.Select(Format) : [],
    ];

    public static string Format(float value) => value.ToString("R", CultureInfo.InvariantCulture);
}
