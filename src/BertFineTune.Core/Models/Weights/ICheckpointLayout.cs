namespace BertFineTune.Models.Weights;

/// <summary>How a module's parameter names relate to checkpoint keys.</summary>
public interface ICheckpointLayout
{
    /// <summary>The base model's prefix (<c>bert.</c>, <c>model.</c> ...) that headless checkpoints omit; empty when none.</summary>
    string BasePrefix { get; }

    /// <summary>Parameter prefixes of the task head, which may be created fresh.</summary>
    IReadOnlyList<string> HeadPrefixes { get; }

    /// <summary>Checkpoint key prefixes (either form, with or without <see cref="BasePrefix"/>) that are skipped.</summary>
    IReadOnlyList<string> IgnoredCheckpointPrefixes { get; }

    /// <summary>A prefix checkpoint keys may carry that this module's names lack (a headless <c>BertModel</c> reading <c>bert.*</c> keys).</summary>
    string? StrippedPrefix => null;
}
