using System.Numerics;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Models.Layers;

/// <summary>
/// Dropout masks from a counter-based hash instead of a stream of random numbers: element <c>(row, column)</c> of one
/// call is kept when a hash of the row's key and the column is at least <c>p · 2³²</c>. Any element's draw can be
/// recomputed on its own, in any order and on any thread, from the call's seed; the seed itself comes from LibTorch's
/// generator, so <c>manual_seed</c> and resumed runs reproduce every mask.
/// </summary>
internal static class CounterHash
{
    private const uint Golden = 0x9E3779B9u;

    /// <summary>Two 31-bit draws from LibTorch's default generator make the 62-bit seed of one call's mask.</summary>
    public static ulong DrawSeed()
    {
        using var draw = torch.randint(int.MaxValue, [2], ScalarType.Int64);
        var halves = draw.data<long>().ToArray();
        return ((ulong)halves[0] << 31) | (ulong)halves[1];
    }

    /// <summary>One 32-bit key per row of a call, from a 64-bit mix (SplitMix64's finaliser) of the seed and the row's index.</summary>
    public static uint RowKey(ulong seed, ulong row)
    {
        var z = seed + (row * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (uint)((z ^ (z >> 31)) >> 32);
    }

    /// <summary>The smallest hash that keeps an element: <c>p · 2³²</c>, rounded.</summary>
    public static uint Threshold(float probability) => (uint)Math.Min(uint.MaxValue, Math.Round(probability * 4294967296.0));

    /// <summary>
    /// Fills <paramref name="factors"/> (a whole number of vectors) with <paramref name="kept"/> where column <c>j</c> of the
    /// row keyed <paramref name="rowKey"/> is kept and 0 where it is dropped.
    /// </summary>
    public static void FillRow(uint rowKey, uint threshold, float kept, Span<float> factors)
    {
        var key = new Vector<uint>(rowKey);
        var limit = new Vector<uint>(threshold);
        var keptValue = new Vector<float>(kept);
        var golden = new Vector<uint>(Golden);
        var step = new Vector<uint>((uint)Vector<uint>.Count);
        var columns = Vector<uint>.Indices;
        var target = MemoryMarshal.Cast<float, Vector<float>>(factors);
        for (var block = 0; block < target.Length; block++)
        {
            var hash = Mix((columns * golden) ^ key);
            target[block] = Vector.ConditionalSelect(Vector.GreaterThanOrEqual(hash, limit).As<uint, float>(), keptValue, Vector<float>.Zero);
            columns += step;
        }
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
