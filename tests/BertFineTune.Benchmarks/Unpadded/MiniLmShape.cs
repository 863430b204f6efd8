namespace BertFineTune.Benchmarks.Unpadded;

/// <summary>The attention and hidden widths of all-MiniLM-L6-v2, the model every unpadded benchmark mimics.</summary>
internal static class MiniLmShape
{
    public const long Heads = 12;
    public const long HeadDim = 32;
    public const long Hidden = Heads * HeadDim;
}
