using System.Diagnostics;
using BertFineTune.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Benchmarks.Unpadded;

/// <summary>
/// How packed tokens attend, measured in one process with the candidates interleaved round by round (a busy machine
/// slows them alike): forward + backward of the attention core alone at all-MiniLM-L6-v2's shape (12 heads × 32) on
/// fortunes batches of 16, from fused packed q/k/v <c>[tokens, 3·384]</c> to the packed context <c>[tokens, 384]</c>.
/// <list type="bullet">
/// <item>repad: scatter q/k/v into <c>[batch, seq]</c> zeros, one SDPA call with the padding mask, gather back (the product's choice).</item>
/// <item>per-sequence: one unmasked SDPA call per text on its own slice.</item>
/// <item>block-diagonal: all packed tokens as one sequence, a <c>[tokens, tokens]</c> mask keeping each text to itself.</item>
/// <item>grouped: texts sorted by length, groups of 4 re-padded to the group's longest.</item>
/// <item>padded: the padded path's cost for reference (q/k/v already padded, nothing moved).</item>
/// </list>
/// Times are this process's CPU time on one intra-op thread (no OpenMP spinning), so a busy machine disturbs them less.
/// Run: <c>dotnet run -c Release --project tests/BertFineTune.Benchmarks -- unpad-attention [rounds]</c>.
/// </summary>
internal static class AttentionStrategies
{
    public static async Task<int> RunAsync(string[] args)
    {
        var (rounds, batches) = await Rounds.StartOnFortunesAsync(args, threads: 1, batchCount: 10);
        var real = batches.Sum(b => b.Sum());
        var padded = batches.Sum(b => b.Length * b.Max());
        Console.WriteLine($"{batches.Count} fortunes batches of 16: {real} real tokens, {padded} padded ({(double)padded / real:0.00}x); threads {torch.get_num_threads()}");
        var strategies = new (string Name, Func<int[], Tensor, Tensor> Attend)[]
        {
            ("repad", Repad),
            ("per-sequence", PerSequence),
            ("block-diagonal", BlockDiagonal),
            ("grouped", Grouped),
            ("padded", PaddedReference),
        };
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
        {
            var times = strategies.ToDictionary(s => s.Name, _ => new List<double>());
            for (var round = 0; round <= rounds; round++)
            {
                var order = strategies.Skip(round % strategies.Length).Concat(strategies.Take(round % strategies.Length));
                foreach (var (name, attend) in order)
                {
                    var seconds = Time(batches, dtype, attend);
                    if (round > 0)
                    {
                        times[name].Add(seconds); // round 0 warms up
                    }
                }
            }

            var baseline = Median(times["repad"]);
            Console.WriteLine($"{dtype}: median CPU time of {rounds} rounds, forward + backward over the {batches.Count} batches (SDPA)");
            foreach (var (name, list) in times)
            {
                Console.WriteLine($"  {name,-15} {Median(list) * 1000,8:0.0} ms   {Median(list) / baseline,5:0.00}x repad");
            }
        }

        return 0;
    }

    private static double Time(List<int[]> batches, ScalarType dtype, Func<int[], Tensor, Tensor> attend)
    {
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        foreach (var lengths in batches)
        {
            using var scope = torch.NewDisposeScope();
            var tokens = lengths.Sum();
            var qkv = attend == PaddedReference
                ? torch.randn(lengths.Length, lengths.Max(), 3 * MiniLmShape.Hidden).to(dtype).requires_grad_()
                : torch.randn(tokens, 3 * MiniLmShape.Hidden).to(dtype).requires_grad_();
            var context = attend(lengths, qkv);
            context.sum().backward();
        }

        process.Refresh();
        return (process.TotalProcessorTime - cpu).TotalSeconds;
    }

    private static Tensor Mask(int[] lengths, long seq)
    {
        var mask = new long[lengths.Length * seq];
        for (var row = 0; row < lengths.Length; row++)
        {
            Array.Fill(mask, 1L, (int)(row * seq), lengths[row]);
        }

        return torch.tensor(mask, [lengths.Length, seq]);
    }

    private static Tensor Repad(int[] lengths, Tensor qkv)
    {
        var mask = Mask(lengths, lengths.Max());
        var packing = PackedSequences.TryCreate(mask);
        var batch = new AttentionBatch(ScaledDotProductAttention.PaddingMask(mask), packing);
        if (packing is null)
        {
            // Equal lengths: nothing to pack, the tokens already form the padded grid.
            var grid = qkv.view(lengths.Length, lengths[0], -1);
            return ScaledDotProductAttention.SelfAttention(grid, MiniLmShape.Heads, batch, 0, false, AttentionImplementation.Sdpa).reshape(-1, MiniLmShape.Hidden);
        }

        return ScaledDotProductAttention.SelfAttention(qkv, MiniLmShape.Heads, batch, 0, false, AttentionImplementation.Sdpa);
    }

    private static Tensor PaddedReference(int[] lengths, Tensor qkv)
    {
        var mask = Mask(lengths, lengths.Max());
        return ScaledDotProductAttention.SelfAttention(qkv, MiniLmShape.Heads, new AttentionBatch(ScaledDotProductAttention.PaddingMask(mask)), 0, false, AttentionImplementation.Sdpa);
    }

    private static Tensor PerSequence(int[] lengths, Tensor qkv)
    {
        var outputs = new List<Tensor>();
        long start = 0;
        foreach (var length in lengths)
        {
            var split = qkv.narrow(0, start, length).view(1, length, 3, MiniLmShape.Heads, MiniLmShape.HeadDim).permute(2, 0, 3, 1, 4);
            var context = nn.functional.scaled_dot_product_attention(split[0], split[1], split[2]);
            outputs.Add(context.transpose(1, 2).reshape(length, MiniLmShape.Hidden));
            start += length;
        }

        return torch.cat(outputs, 0);
    }

    private static Tensor BlockDiagonal(int[] lengths, Tensor qkv)
    {
        var tokens = lengths.Sum();
        var owner = torch.tensor(lengths.SelectMany((l, row) => Enumerable.Repeat((long)row, l)).ToArray());
        var other = owner.unsqueeze(0).ne(owner.unsqueeze(1));
        var mask = torch.zeros(tokens, tokens, dtype: qkv.dtype).masked_fill(other, ScaledDotProductAttention.MaskValue);
        var split = qkv.view(1, tokens, 3, MiniLmShape.Heads, MiniLmShape.HeadDim).permute(2, 0, 3, 1, 4);
        var context = nn.functional.scaled_dot_product_attention(split[0], split[1], split[2], mask);
        return context.transpose(1, 2).reshape(tokens, MiniLmShape.Hidden);
    }

    private static Tensor Grouped(int[] lengths, Tensor qkv)
    {
        const int group = 4;
        var starts = new long[lengths.Length];
        for (var i = 1; i < lengths.Length; i++)
        {
            starts[i] = starts[i - 1] + lengths[i - 1];
        }

        var order = Enumerable.Range(0, lengths.Length).OrderBy(i => lengths[i]).ToArray();
        var outputs = new List<Tensor>();
        var sources = new List<long>();
        foreach (var rows in order.Chunk(group))
        {
            var groupLengths = rows.Select(r => lengths[r]).ToArray();
            var source = torch.tensor(rows.SelectMany(r => Enumerable.Range(0, lengths[r]).Select(c => starts[r] + c)).ToArray());
            sources.AddRange(rows.SelectMany(r => Enumerable.Range(0, lengths[r]).Select(c => starts[r] + c)));
            outputs.Add(Repad(groupLengths, qkv.index_select(0, source)));
        }

        // Back to the packed order of the batch.
        var inverse = torch.tensor(sources.ToArray()).argsort();
        return torch.cat(outputs, 0).index_select(0, inverse);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }
}
