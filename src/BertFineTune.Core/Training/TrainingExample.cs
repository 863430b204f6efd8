namespace BertFineTune.Training;

/// <summary>
/// One labelled text. Single-label examples carry <see cref="LabelId"/>; multi-label examples carry
/// <see cref="MultiHot"/> (one 0/1 entry per label) and leave <see cref="LabelId"/> at -1.
/// </summary>
public sealed record TrainingExample(string Text, int LabelId = -1, float[]? MultiHot = null, string? TextPair = null)
{
    public static TrainingExample SingleLabel(string text, int labelId, string? textPair = null) =>
        new(text, labelId, null, textPair);

    public static TrainingExample MultiLabel(string text, float[] multiHot, string? textPair = null) =>
        new(text, -1, multiHot, textPair);
}
