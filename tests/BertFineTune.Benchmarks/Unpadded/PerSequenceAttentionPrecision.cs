using System.Diagnostics;
using BertFineTune.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Benchmarks.Unpadded;

/// <summary>
/// The precision of per-sequence attention under bf16 training: each text of fortunes batches of 16 attends on its own
/// slice through the product's attention core (<see cref="ScaledDotProductAttention.Compute"/>), six layers' worth of
/// forward + backward with the attention dropout MiniLM trains with (and without); fused q/k/v arrive in bf16 and
/// attend in bf16, or are first cast to fp32 (what the packed path does). Wall time on 2 threads, as training runs,
/// the two variants interleaved round by round.
/// Measured (quiet, 5 rounds): with dropout 0.1, bf16 80.8 ms and fp32 69.3 ms per batch; without, 63.3 and 50.3 ms.
/// The product still attends in bf16: with fp32 attention a MiniLM bf16 bench step took 265–273 ms against 292–293 ms,
/// but three bf16 fortunes epochs peaked at 1.63 GB against 1.39 GB (the probabilities autograd keeps are twice the
/// size, and glibc's arenas keep more), above the 1.5 GB a MiniLM run is held to.
/// Run: <c>dotnet run -c Release --project tests/BertFineTune.Benchmarks -- unpad-attention-precision [rounds]</c>.
/// </summary>
internal static class PerSequenceAttentionPrecision
{
    public static async Task<int> RunAsync(string[] args)
    {
        var (rounds, batches) = await Rounds.StartOnFortunesAsync(args, threads: 2, batchCount: 12);
        foreach (var dropout in new[] { 0.1, 0.0 })
        {
            var variants = new (string Name, ScalarType Attend)[] { ("bf16", ScalarType.BFloat16), ("fp32", ScalarType.Float32) };
            var times = variants.ToDictionary(v => v.Name, _ => new List<double>());
            for (var round = 0; round <= rounds; round++)
            {
                foreach (var (name, attend) in round % 2 == 0 ? variants : variants.Reverse())
                {
                    var clock = Stopwatch.StartNew();
                    foreach (var lengths in batches)
                    {
                        using var scope = torch.NewDisposeScope();
                        for (var layer = 0; layer < 6; layer++)
                        {
                            var qkv = torch.randn(lengths.Sum(), 3 * MiniLmShape.Hidden).to(ScalarType.BFloat16).requires_grad_();
                            PerSequence(lengths, qkv.to(attend), dropout).to(ScalarType.BFloat16).to(ScalarType.Float32).sum().backward();
                        }
                    }

                    if (round > 0)
                    {
                        times[name].Add(clock.Elapsed.TotalMilliseconds / batches.Count); // round 0 warms up
                    }
                }
            }

            foreach (var (name, list) in times)
            {
                list.Sort();
                Console.WriteLine($"attention in {name}, dropout {dropout}: median {list[list.Count / 2]:0.0} ms per batch (6 layers, forward + backward, {rounds} rounds)");
            }
        }

        return 0;
    }

    private static Tensor PerSequence(int[] lengths, Tensor qkv, double dropout)
    {
        var outputs = new List<Tensor>();
        long start = 0;
        foreach (var n in lengths)
        {
            var split = qkv.narrow(0, start, n).view(1, n, 3, MiniLmShape.Heads, -1).permute(2, 0, 3, 1, 4);
            var context = ScaledDotProductAttention.Compute(split[0], split[1], split[2], null, dropout, true, AttentionImplementation.Auto);
            outputs.Add(context.transpose(1, 2).reshape(n, MiniLmShape.Hidden));
            start += n;
        }

        return torch.cat(outputs, 0);
    }
}
