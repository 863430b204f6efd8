namespace BertFineTune.Models.Layers.PackedAttention;

/// <summary>
/// Attention dropout drawn from <see cref="CounterHash"/> instead of a stored mask: weight <c>(text, head, i, j)</c> of one
/// call is row <c>(text, head, i)</c>, column <c>j</c> of the call's hash. Backward regenerates exactly the forward's mask
/// from the same seed, so nothing of size <c>seq²</c> is kept between them.
/// </summary>
/// <param name="Probability">The dropout probability p, in [0, 1).</param>
/// <param name="Seed">The call's seed.</param>
/// <param name="Heads">Heads per text: the row keys of two heads never meet.</param>
/// <param name="Length">The batch's longest text: the row keys of two rows never meet.</param>
internal readonly record struct AttentionDropoutMask(float Probability, ulong Seed, int Heads, int Length)
{
    public bool IsActive => Probability > 0f;

    /// <summary>The weight a kept value is multiplied by: <c>1 / (1 − p)</c>, as <c>torch.nn.functional.dropout</c>.</summary>
    public float KeptScale => 1f / (1f - Probability);

    /// <summary>
    /// Fills <paramref name="factors"/> (a whole number of vectors) with <see cref="KeptScale"/> where weight
    /// <c>(text, head, row, j)</c> is kept and 0 where it is dropped.
    /// </summary>
    public void Fill(int text, int head, int row, Span<float> factors)
    {
        var index = ((((ulong)text * (ulong)Heads) + (ulong)head) * (ulong)Length) + (ulong)row;
        CounterHash.FillRow(CounterHash.RowKey(Seed, index), CounterHash.Threshold(Probability), KeptScale, factors);
    }
}
