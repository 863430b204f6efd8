namespace BertFineTune.Data.Reading;

/// <summary>
/// The most text one row may hold, so a hostile or broken file (a 200 MB field, a file with no line breaks) ends in an
/// error naming the row instead of filling memory: the readers stop before reading past a limit, so memory stays near
/// the limit whatever the file's size. A BERT model reads at most a few thousand characters of a text anyway.
/// </summary>
/// <param name="MaxFieldChars">The longest one CSV/TSV field may be (characters); BFT127 past it.</param>
/// <param name="MaxLineChars">The longest one row may be (a CSV record, a JSON line), in characters; BFT128 past it.</param>
public sealed record ReadLimits(int MaxFieldChars = ReadLimits.DefaultMaxFieldChars, int MaxLineChars = ReadLimits.DefaultMaxLineChars)
{
    /// <summary>4 Mi characters (8 MiB in memory): about a thousand pages of text in one cell.</summary>
    public const int DefaultMaxFieldChars = 4 * 1024 * 1024;

    /// <summary>16 Mi characters (32 MiB in memory) for a whole row.</summary>
    public const int DefaultMaxLineChars = 16 * 1024 * 1024;

    public static ReadLimits Default { get; } = new();
}
