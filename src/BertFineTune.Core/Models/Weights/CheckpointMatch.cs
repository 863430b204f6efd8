namespace BertFineTune.Models.Weights;

/// <summary>What <see cref="CheckpointMatcher.Apply"/> did.</summary>
/// <param name="Loaded">Parameters copied from the checkpoint.</param>
/// <param name="Fresh">Head parameters created with HF's initialisation (missing, or a different shape in the checkpoint).</param>
/// <param name="Ignored">Checkpoint keys skipped on purpose (<c>position_ids</c> buffers, pre-training heads).</param>
public sealed record CheckpointMatch(IReadOnlyList<string> Loaded, IReadOnlyList<string> Fresh, IReadOnlyList<string> Ignored);
