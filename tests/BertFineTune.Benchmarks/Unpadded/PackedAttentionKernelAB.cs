using System.Diagnostics;
using BertFineTune.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Benchmarks.Unpadded;

/// <summary>
/// The packed attention kernel against per-text eager attention, as training runs them: all-MiniLM-L6-v2's 12 × 32 heads,
/// six layers of fortunes batches of 16 through the product's entry point (<see cref="ScaledDotProductAttention.SelfAttention"/>
/// with <see cref="AttentionImplementation.Auto"/>, which takes the kernel, or <see cref="AttentionImplementation.Eager"/>,
/// the per-text LibTorch path it replaced), attention dropout 0.1, forward and backward timed apart. Wall time on 2 threads,
/// the variants interleaved round by round.
/// Measured (quiet, 5 rounds, per batch of 6 layers, forward + backward): fp32 kernel 11.4 + 21.8 ms against eager
/// 28.8 + 29.0 ms; bf16 kernel 13.7 + 21.4 ms against eager 35.0 + 37.9 ms.
/// Run: <c>dotnet run -c Release --project tests/BertFineTune.Benchmarks -- unpad-attention-kernel [rounds]</c>.
/// </summary>
internal static class PackedAttentionKernelAB
{
    public static async Task<int> RunAsync(string[] args)
    {
        var (rounds, batches) = await Rounds.StartOnFortunesAsync(args, threads: 2, batchCount: 12);
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
        {
            var variants = new[] { ("kernel", AttentionImplementation.Auto), ("eager", AttentionImplementation.Eager) };
            var times = variants.ToDictionary(v => v.Item1, _ => (Forward: new List<double>(), Backward: new List<double>()));
            for (var round = 0; round <= rounds; round++)
            {
                foreach (var (name, implementation) in round % 2 == 0 ? variants : variants.Reverse())
                {
                    var (forward, backward) = TimeBatches(batches, dtype, implementation);
                    if (round > 0)
                    {
                        times[name].Forward.Add(forward); // round 0 warms up
                        times[name].Backward.Add(backward);
                    }
                }
            }

            foreach (var (name, (forward, backward)) in times)
            {
                Console.WriteLine($"{dtype} {name}: forward {Median(forward):0.0} ms, backward {Median(backward):0.0} ms per batch (6 layers, {rounds} rounds)");
            }
        }

        return 0;
    }

    private static (double Forward, double Backward) TimeBatches(List<int[]> batches, ScalarType dtype, AttentionImplementation implementation)
    {
        double forward = 0, backward = 0;
        foreach (var lengths in batches)
        {
            using var scope = torch.NewDisposeScope();
            var counts = torch.tensor(lengths.Select(n => (long)n).ToArray());
            var mask = torch.arange(lengths.Max()).unsqueeze(0).lt(counts.unsqueeze(1)).to(ScalarType.Int64);
            var batch = new AttentionBatch(ScaledDotProductAttention.PaddingMask(mask), PackedSequences.TryCreate(mask));
            for (var layer = 0; layer < 6; layer++)
            {
                var qkv = torch.randn(lengths.Sum(), 3 * MiniLmShape.Hidden).to(dtype).requires_grad_();
                var upstream = torch.randn(lengths.Sum(), MiniLmShape.Hidden).to(dtype);
                var clock = Stopwatch.StartNew();
                var context = ScaledDotProductAttention.SelfAttention(qkv, MiniLmShape.Heads, batch, 0.1, training: true, implementation);
                forward += clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                context.backward([upstream]);
                backward += clock.Elapsed.TotalMilliseconds;
            }
        }

        return (forward / batches.Count, backward / batches.Count);
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
