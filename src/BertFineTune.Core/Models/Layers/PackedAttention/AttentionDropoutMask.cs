using System.Numerics;
using System.Runtime.InteropServices;

namespace BertFineTune.Models.Layers.PackedAttention;

/// <summary>
/// Attention dropout drawn from a counter-based hash instead of a stored mask: weight <c>(text, head, i, j)</c> of one call
/// is kept when the hash of its coordinates and the call's seed is at least <c>p · 2³²</c>. Backward regenerates exactly
/// the forward's mask from the same seed, so nothing of size <c>seq²</c> is kept between them, and the seed comes from
/// LibTorch's generator, so <c>manual_seed</c> and resumed runs reproduce every mask.
/// </summary>
/// <param name="Probability">The dropout probability p, in [0, 1).</param>
/// <param name="Seed">The call's seed.</param>
/// <param name="Heads">Heads per text: the row keys of two heads never meet.</param>
/// <param name="Length">The batch's longest text: the row keys of two rows never meet.</param>
internal readonly record struct AttentionDropoutMask(float Probability, ulong Seed, int Heads, int Length)
{
    private const uint Golden = 0x9E3779B9u;

    public bool IsActive => Probability > 0f;

    /// <summary>The weight a kept value is multiplied by: <c>1 / (1 − p)</c>, as <c>torch.nn.functional.dropout</c>.</summary>
    public float KeptScale => 1f / (1f - Probability);

    private uint Threshold => (uint)Math.Min(uint.MaxValue, Math.Round(Probability * 4294967296.0));

    /// <summary>
    /// Fills <paramref name="factors"/> (a whole number of vectors) with <see cref="KeptScale"/> where weight
    /// <c>(text, head, row, j)</c> is kept and 0 where it is dropped.
    /// </summary>
    public void Fill(int text, int head, int row, Span<float> factors)
    {
        var key = new Vector<uint>(RowKey(text, head, row));
        var threshold = new Vector<uint>(Threshold);
        var kept = new Vector<float>(KeptScale);
        var golden = new Vector<uint>(Golden);
        var step = new Vector<uint>((uint)Vector<uint>.Count);
        var columns = Vector<uint>.Indices;
        var target = MemoryMarshal.Cast<float, Vector<float>>(factors);
        for (var block = 0; block < target.Length; block++)
        {
            var hash = Mix((columns * golden) ^ key);
            target[block] = Vector.ConditionalSelect(Vector.GreaterThanOrEqual(hash, threshold).As<uint, float>(), kept, Vector<float>.Zero);
            columns += step;
        }
    }

    /// <summary>One 32-bit key per (text, head, row), from a 64-bit mix of the seed and the row's coordinates.</summary>
    private uint RowKey(int text, int head, int row)
    {
        var z = Seed + (((((ulong)text * (ulong)Heads) + (ulong)head) * (ulong)Length) + (ulong)row) * 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (uint)((z ^ (z >> 31)) >> 32);
    }

    /// <summary>A 32-bit integer hash with low bias (xor-shift, multiply, twice).</summary>
    private static Vector<uint> Mix(Vector<uint> x)
    {
        x ^= Vector.ShiftRightLogical(x, 16);
        x *= new Vector<uint>(0x7FEB352Du);
        x ^= Vector.ShiftRightLogical(x, 15);
        x *= new Vector<uint>(0x846CA68Bu);
        return x ^ Vector.ShiftRightLogical(x, 16);
    }
}
