namespace BertFineTune.Models.Layers.PackedAttention;

/// <summary>
/// The shape of one packed self-attention call: texts laid end to end in the rows of a fused <c>[q | k | v]</c> matrix
/// <c>[tokens, 3 · heads · head_dim]</c>, each text attending to its own tokens only.
/// </summary>
/// <param name="Heads">Attention heads.</param>
/// <param name="HeadDim">Width of one head.</param>
/// <param name="Starts">Each text's first row.</param>
/// <param name="Lengths">Each text's token count (at least 1).</param>
/// <param name="Dropout">The attention dropout of this call (inactive at p = 0).</param>
internal sealed record PackedAttentionProblem(int Heads, int HeadDim, long[] Starts, int[] Lengths, AttentionDropoutMask Dropout)
{
    /// <summary>HF's <c>1/√head_dim</c>.</summary>
    public float Scale => (float)(1.0 / Math.Sqrt(HeadDim));

    public int MaxLength => Lengths.Max();

    /// <summary>Columns of the q, k or v block of one head in a fused row.</summary>
    public long Column(int part, int head) => ((long)part * Heads * HeadDim) + ((long)head * HeadDim);

    /// <summary>
    /// Where text <paramref name="text"/> lies and how its pair's buffers are padded: rows to a whole
    /// <see cref="AttentionRowMath.RowBlock"/>, columns of weights to a whole <see cref="AttentionRowMath.ColumnBlock"/>.
    /// </summary>
    public (int Length, long Start, int Rows, int Stride) Layout(int text)
    {
        var n = Lengths[text];
        return (n, Starts[text], AttentionRowMath.RoundUp(n, AttentionRowMath.RowBlock), AttentionRowMath.RoundUp(n, AttentionRowMath.ColumnBlock));
    }
}
