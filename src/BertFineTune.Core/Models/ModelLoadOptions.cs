using BertFineTune.Models.Layers;

namespace BertFineTune.Models;

/// <summary>How <see cref="AutoModelForSequenceClassification.FromPretrained"/> adapts a checkpoint to the task.</summary>
public sealed record ModelLoadOptions
{
    public static ModelLoadOptions Default { get; } = new();

    /// <summary>
    /// The task's labels in id order (from the data). Null keeps the checkpoint's <c>id2label</c>. When the count differs
    /// from the checkpoint's head, the head is created fresh with HF's initialisation.
    /// </summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>The task's problem type; null keeps the checkpoint's (single-label when it has none).</summary>
    public ProblemType? ProblemType { get; init; }

    /// <summary>Seed of the generator that initialises a fresh head; null draws from torch's default generator (seeded by <c>torch.manual_seed</c>).</summary>
    public long? Seed { get; init; }

    /// <summary>The attention core to use.</summary>
    public AttentionImplementation Attention { get; init; } = AttentionDefaults.Implementation;
}
