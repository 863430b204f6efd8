using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Training.Benchmarking;

/// <summary>One matrix product <c>[M, K] × [K, N]</c> and the rate this machine reached on it.</summary>
public sealed record GemmMeasurement(long M, long K, long N, double Gflops);

/// <summary>The matmul peak of one precision: the best rate over the model's GEMM shapes, and every shape's rate.</summary>
public sealed record MatmulPeak(string Precision, double Gflops, IReadOnlyList<GemmMeasurement> Gemms);

/// <summary>
/// Measures the matmul peak on the products a training step really does: for every Linear layer <c>[out, in]</c> and
/// every row count (tokens per batch), the forward <c>[T, in] × [in, out]</c>, the input gradient <c>[T, out] × [out, in]</c>
/// and the weight gradient <c>[out, T] × [T, in]</c>. Each product is timed best-of-repeats, so a busy neighbour lowers
/// a few samples rather than the result; the peak is the fastest product, the roof the model's FLOP rate is compared with.
/// </summary>
public static class GemmPeak
{
    public static MatmulPeak Measure(
        IReadOnlyCollection<(long Out, long In)> linearShapes,
        IReadOnlyCollection<long> rowCounts,
        ScalarType dtype,
        TimeSpan budgetPerProduct,
        CancellationToken cancellationToken)
    {
        var products = linearShapes
            .SelectMany(s => rowCounts.Where(t => t > 0).SelectMany(t => new[] { (t, s.In, s.Out), (t, s.Out, s.In), (s.Out, t, s.In) }))
            .Distinct()
            .ToList();
        var gemms = new List<GemmMeasurement>(products.Count);
        foreach (var (m, k, n) in products)
        {
            cancellationToken.ThrowIfCancellationRequested();
            gemms.Add(new GemmMeasurement(m, k, n, Time(m, k, n, dtype, budgetPerProduct)));
        }

        var name = dtype == ScalarType.BFloat16 ? "bf16" : dtype == ScalarType.Float32 ? "fp32" : dtype.ToString();
        return new MatmulPeak(name, gemms.Count == 0 ? 0 : gemms.Max(g => g.Gflops), gemms);
    }

    private static double Time(long m, long k, long n, ScalarType dtype, TimeSpan budget)
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.randn(m, k).to(dtype);
        var b = torch.randn(k, n).to(dtype);
        var flops = 2.0 * m * k * n;
        using (torch.mm(a, b))
        {
            // Warm-up: first-touch page faults and kernel selection.
        }

        var best = double.MaxValue;
        var total = Stopwatch.StartNew();
        for (var repeat = 0; repeat < 5 || total.Elapsed < budget; repeat++)
        {
            var watch = Stopwatch.StartNew();
            using (torch.mm(a, b))
            {
                best = Math.Min(best, watch.Elapsed.TotalSeconds);
            }
        }

        return flops / Math.Max(best, 1e-9) / 1e9;
    }
}
