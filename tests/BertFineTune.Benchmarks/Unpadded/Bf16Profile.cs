using System.Diagnostics;
using BertFineTune.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Benchmarks.Unpadded;

/// <summary>
/// Module-by-module timing of one all-MiniLM-L6-v2 layer's parts (forward + backward) on the packed tokens of fortunes
/// batches, fp32 against bf16, with the bf16 variants before and after this branch: the old Linear returned fp32 (a cast
/// back after every matmul, GELU in fp32, a cast down again at the next Linear, three q/k/v matmuls, attention in fp32);
/// the new one keeps bf16 from matmul to matmul and fuses q/k/v. Attention runs through the product's packed core
/// (re-pad, kernel, pack) in fp32 and bf16, SDPA and eager. Candidates interleave round by round.
/// Times are this process's CPU time on one intra-op thread (no spinning), so an oversubscribed machine disturbs them less.
/// Run: <c>dotnet run -c Release --project tests/BertFineTune.Benchmarks -- unpad-bf16 [rounds]</c>.
/// </summary>
internal static class Bf16Profile
{
    public static async Task<int> RunAsync(string[] args)
    {
        var (rounds, batches) = await Rounds.StartOnFortunesAsync(args, threads: 1, batchCount: 6);
        var process = Process.GetCurrentProcess();
        torch.manual_seed(0);
        var wq = torch.randn(MiniLmShape.Hidden, MiniLmShape.Hidden) * 0.05;
        var wk = torch.randn(MiniLmShape.Hidden, MiniLmShape.Hidden) * 0.05;
        var wv = torch.randn(MiniLmShape.Hidden, MiniLmShape.Hidden) * 0.05;
        var w1 = (torch.randn(4 * MiniLmShape.Hidden, MiniLmShape.Hidden) * 0.05).requires_grad_();
        var w2 = (torch.randn(MiniLmShape.Hidden, 4 * MiniLmShape.Hidden) * 0.05).requires_grad_();
        var b1 = torch.zeros(4 * MiniLmShape.Hidden).requires_grad_();
        var b2 = torch.zeros(MiniLmShape.Hidden).requires_grad_();
        foreach (var w in new[] { wq, wk, wv })
        {
            w.requires_grad_();
        }

        var parts = new (string Name, Func<int[], Tensor, Tensor> Run)[]
        {
            ("qkv fp32 (3 matmuls)", (_, x) => torch.cat([Old(x, wq, null, null), Old(x, wk, null, null), Old(x, wv, null, null)], -1)),
            ("qkv bf16 old (3 matmuls, cast back)", (_, x) => torch.cat([Old(x, wq, null, ScalarType.BFloat16), Old(x, wk, null, ScalarType.BFloat16), Old(x, wv, null, ScalarType.BFloat16)], -1)),
            ("qkv bf16 new (fused, stays bf16)", (_, x) => nn.functional.linear(x.to(ScalarType.BFloat16), torch.cat([wq, wk, wv]).to(ScalarType.BFloat16))),
            ("attention fp32 sdpa", (l, x) => Attend(l, x, ScalarType.Float32, AttentionImplementation.Sdpa)),
            ("attention bf16 sdpa", (l, x) => Attend(l, x, ScalarType.BFloat16, AttentionImplementation.Sdpa)),
            ("attention fp32 eager", (l, x) => Attend(l, x, ScalarType.Float32, AttentionImplementation.Eager)),
            ("attention bf16 eager", (l, x) => Attend(l, x, ScalarType.BFloat16, AttentionImplementation.Eager)),
            ("ffn fp32", (_, x) => Old(nn.functional.gelu(Old(x, w1, b1, null)), w2, b2, null)),
            ("ffn bf16 old (cast back, GELU fp32)", (_, x) => Old(nn.functional.gelu(Old(x, w1, b1, ScalarType.BFloat16)), w2, b2, ScalarType.BFloat16)),
            ("ffn bf16 new (stays bf16)", (_, x) => New(nn.functional.gelu(New(x, w1, b1)), w2, b2)),
        };
        var times = parts.ToDictionary(p => p.Name, _ => new List<double>());
        for (var round = 0; round <= rounds; round++)
        {
            foreach (var (name, run) in parts.Skip(round % parts.Length).Concat(parts.Take(round % parts.Length)))
            {
                process.Refresh();
                var cpu = process.TotalProcessorTime;
                foreach (var lengths in batches)
                {
                    using var scope = torch.NewDisposeScope();
                    var x = torch.randn(lengths.Sum(), name.StartsWith("attention", StringComparison.Ordinal) ? 3 * MiniLmShape.Hidden : MiniLmShape.Hidden).requires_grad_();
                    run(lengths, x).to(ScalarType.Float32).sum().backward();
                }

                if (round > 0)
                {
                    process.Refresh();
                    times[name].Add((process.TotalProcessorTime - cpu).TotalMilliseconds);
                }
            }
        }

        Console.WriteLine($"forward + backward over {batches.Count} fortunes batches ({batches.Sum(b => b.Sum())} real tokens), median CPU time of {rounds} rounds, 1 thread");
        foreach (var (name, list) in times)
        {
            list.Sort();
            Console.WriteLine($"  {name,-40} {list[list.Count / 2],9:0.0} ms");
        }

        return 0;
    }

    private static Tensor Old(Tensor x, Tensor w, Tensor? b, ScalarType? low)
    {
        if (low is not { } t)
        {
            return nn.functional.linear(x, w, b);
        }

        var product = nn.functional.linear(x.to(t), w.to(t)).to(ScalarType.Float32);
        return b is null ? product : product + b;
    }

    private static Tensor New(Tensor x, Tensor w, Tensor b) =>
        nn.functional.linear(x.to(ScalarType.BFloat16), w.to(ScalarType.BFloat16), b.to(ScalarType.BFloat16));

    private static Tensor Attend(int[] lengths, Tensor qkv, ScalarType dtype, AttentionImplementation implementation)
    {
        var mask = new long[lengths.Length * lengths.Max()];
        for (var row = 0; row < lengths.Length; row++)
        {
            Array.Fill(mask, 1L, row * lengths.Max(), lengths[row]);
        }

        var attention = torch.tensor(mask, [lengths.Length, lengths.Max()]);
        var batch = new AttentionBatch(ScaledDotProductAttention.PaddingMask(attention), PackedSequences.TryCreate(attention));
        return ScaledDotProductAttention.SelfAttention(qkv.to(dtype), MiniLmShape.Heads, batch, 0, false, implementation);
    }
}
