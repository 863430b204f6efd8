namespace BertFineTune.Models;

/// <summary>Whether the task head came from the checkpoint.</summary>
public enum HeadSource
{
    /// <summary>Every head weight was in the checkpoint with the right shape.</summary>
    Checkpoint,

    /// <summary>The checkpoint has no (or a partial) classification head, e.g. a <c>BertModel</c> folder: created fresh.</summary>
    CreatedMissing,

    /// <summary>The checkpoint's head has another label count than the task: replaced by a fresh one.</summary>
    CreatedForNewLabels,
}

/// <summary>What <see cref="AutoModelForSequenceClassification.FromPretrained"/> did, for the caller to show the user.</summary>
/// <param name="Directory">The model folder.</param>
/// <param name="ModelType">config.json's <c>model_type</c>.</param>
/// <param name="Architecture">The class built, e.g. <c>BertForSequenceClassification</c>.</param>
/// <param name="WeightFiles">The weight files read.</param>
/// <param name="Head">Where the head came from.</param>
/// <param name="FreshParameters">Parameters created with HF's initialisation (empty when <see cref="Head"/> is <see cref="HeadSource.Checkpoint"/>).</param>
/// <param name="IgnoredKeys">Checkpoint keys skipped on purpose (position_ids buffers, pre-training heads).</param>
/// <param name="CheckpointLabels">The checkpoint's <c>id2label</c>, in id order.</param>
/// <param name="Labels">The model's labels now.</param>
public sealed record ModelLoadReport(
    string Directory,
    string ModelType,
    string Architecture,
    IReadOnlyList<string> WeightFiles,
    HeadSource Head,
    IReadOnlyList<string> FreshParameters,
    IReadOnlyList<string> IgnoredKeys,
    IReadOnlyList<string> CheckpointLabels,
    IReadOnlyList<string> Labels)
{
    /// <summary>One sentence for the console, e.g. why a head was created.</summary>
    public string Describe() => Head switch
    {
        HeadSource.CreatedMissing =>
            $"{Architecture}: the checkpoint has no classification head; created {FreshParameters.Count} head weight(s) fresh " +
            $"({string.Join(", ", FreshParameters)}) for {Labels.Count} labels. Fine-tune before use.",
        HeadSource.CreatedForNewLabels =>
            $"{Architecture}: the checkpoint's head has {CheckpointLabels.Count} labels, the task has {Labels.Count}; " +
            $"created {string.Join(", ", FreshParameters)} fresh. Fine-tune before use.",
        _ when !Labels.SequenceEqual(CheckpointLabels) =>
            $"{Architecture}: loaded all weights; the head's {Labels.Count} outputs now mean {string.Join(", ", Labels)} " +
            $"(the checkpoint called them {string.Join(", ", CheckpointLabels)}).",
        _ => $"{Architecture}: loaded all weights from {string.Join(", ", WeightFiles.Select(Path.GetFileName))}.",
    };
}

/// <summary>A loaded model and how it was loaded.</summary>
public sealed record ModelLoadResult(SequenceClassificationModel Model, ModelLoadReport Report);
