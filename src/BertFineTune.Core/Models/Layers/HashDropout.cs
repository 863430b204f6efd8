using System.Buffers;
using System.Numerics;
using BertFineTune.Models.Layers.PackedAttention;
using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Models.Layers;

/// <summary>
/// <c>nn.Dropout</c> whose mask comes from <see cref="CounterHash"/> (one seed per call from LibTorch's generator)
/// instead of LibTorch's <c>bernoulli_</c>, on CPU tensors in fp32 or bf16; anywhere else, and in evaluation, it is
/// <c>torch.nn.functional.dropout</c>.
/// </summary>
/// <remarks>
/// Why: LibTorch draws a CPU Bernoulli mask one 64-bit Mersenne-Twister number per element, on one thread. A MiniLM step
/// on a fortunes batch draws 13 masks of ~260K elements (7 % of the training thread's <c>perf</c> samples, bf16,
/// unpadded, while the second core waited), and a padded step also draws the attention weights' masks, 19M elements
/// (<see cref="ScaledDotProductAttention.Compute"/>). The hash fills them eight elements per instruction. Measured with
/// <c>bertft bench</c> on fortunes, bf16, three interleaved rounds: unpadded 89–96 → 99–105 samples/s from this alone.
/// The masks follow the same law (each element kept with probability 1 − p, scaled by 1 / (1 − p)), but not the same
/// stream: a seeded run drops other elements than it did with <c>bernoulli_</c>, and repeats itself exactly.
/// </remarks>
public sealed class HashDropout : nn.Module<Tensor, Tensor>
{
    /// <summary>Masks of at least this many elements are filled on several threads.</summary>
    private const long ParallelElements = 1 << 20;

    public HashDropout(double probability)
        : base("Dropout")
    {
        if (probability is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "A dropout probability lies in [0, 1].");
        }

        Probability = probability;
    }

    /// <summary>The probability p that an element is zeroed.</summary>
    public double Probability { get; }

    public override Tensor forward(Tensor input) =>
        training ? Apply(input, Probability) : nn.functional.dropout(input, Probability, training: false);

    /// <summary>Training-mode dropout of <paramref name="input"/> with probability <paramref name="probability"/>.</summary>
    public static Tensor Apply(Tensor input, double probability)
    {
        if (probability is 0 or 1 || !Supports(input))
        {
            return nn.functional.dropout(input, probability, training: true);
        }

        using var scope = torch.NewDisposeScope();
        return input.mul(Mask(input, (float)probability, CounterHash.DrawSeed())).MoveToOuterDisposeScope();
    }

    /// <summary>A CPU tensor in fp32 or bf16 whose elements a span can index.</summary>
    private static bool Supports(Tensor input) =>
        input.device_type == DeviceType.CPU
        && input.dtype is ScalarType.Float32 or ScalarType.BFloat16
        && input.numel() is > 0 and <= int.MaxValue;

    /// <summary>
    /// The factors that apply dropout to <paramref name="input"/>: <c>1 / (1 − p)</c> where an element is kept, 0 where
    /// it is dropped, in its dtype (as LibTorch's <c>bernoulli_(1 − p).div_(1 − p)</c>). Element <c>(row, column)</c> of
    /// the input seen as <c>[rows, last dim]</c> is row <c>row</c>, column <c>column</c> of the hash.
    /// </summary>
    internal static Tensor Mask(Tensor input, float probability, ulong seed)
    {
        var width = input.dim() == 0 ? 1 : input.shape[^1];
        var rows = input.numel() / width;
        var mask = torch.empty(input.shape, input.dtype);
        var target = TokenRows.Of(mask.view(rows, width));
        var threshold = CounterHash.Threshold(probability);
        var kept = 1f / (1f - probability);

        // Large masks (padded attention weights: 16 × 12 × 128 × 128 per layer) are split over LibTorch's thread count.
        IntraOpWorkers.Run(input.numel() >= ParallelElements ? rows : 1, (worker, workers) =>
            FillRows(target, rows * worker / workers, rows * (worker + 1) / workers, (int)width, seed, threshold, kept));

        return mask;
    }

    /// <summary>Rows <paramref name="from"/> to <paramref name="to"/> (exclusive) of a mask <paramref name="width"/> wide.</summary>
    private static void FillRows(TokenRows target, long from, long to, int width, ulong seed, uint threshold, float kept)
    {
        var padded = AttentionRowMath.RoundUp(width, Vector<float>.Count);
        var factors = ArrayPool<float>.Shared.Rent(padded);
        var span = factors.AsSpan(0, padded);
        for (var row = from; row < to; row++)
        {
            CounterHash.FillRow(CounterHash.RowKey(seed, (ulong)row), threshold, kept, span);
            target.Write(row, 0, span[..width]);
        }

        ArrayPool<float>.Shared.Return(factors);
    }
}
