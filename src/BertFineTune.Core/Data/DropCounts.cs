namespace BertFineTune.Data;

/// <summary>Rows dropped, by reason. Every row read is either kept or counted here exactly once.</summary>
/// <param name="EmptyText">The text cell was empty or only whitespace.</param>
/// <param name="EmptyLabel">The label cell was empty (for multi-label: held no label after splitting).</param>
/// <param name="EmptyAfterPreprocessing">The text became empty after preprocessing (for example, only a URL or emoji).</param>
/// <param name="Duplicate">With <c>drop_duplicates</c>: same text and label(s) as an earlier row.</param>
public sealed record DropCounts(int EmptyText = 0, int EmptyLabel = 0, int EmptyAfterPreprocessing = 0, int Duplicate = 0)
{
    public int Total => EmptyText + EmptyLabel + EmptyAfterPreprocessing + Duplicate;

    public DropCounts Add(DropCounts other) => new(
        EmptyText + other.EmptyText,
        EmptyLabel + other.EmptyLabel,
        EmptyAfterPreprocessing + other.EmptyAfterPreprocessing,
        Duplicate + other.Duplicate);

    public DropCounts Add(DropReason reason) => reason switch
    {
        DropReason.EmptyText => this with { EmptyText = EmptyText + 1 },
        DropReason.EmptyLabel => this with { EmptyLabel = EmptyLabel + 1 },
        DropReason.EmptyAfterPreprocessing => this with { EmptyAfterPreprocessing = EmptyAfterPreprocessing + 1 },
        _ => this with { Duplicate = Duplicate + 1 },
    };
}

/// <summary>Why a row was dropped.</summary>
public enum DropReason
{
    EmptyText,
    EmptyLabel,
    EmptyAfterPreprocessing,
    Duplicate,
}
