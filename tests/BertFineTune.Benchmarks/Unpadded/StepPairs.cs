using System.Diagnostics;
using BertFineTune.Hub;
using BertFineTune.Models;
using BertFineTune.Native;
using BertFineTune.Pipelines;
using BertFineTune.Tests.Support;
using BertFineTune.Text.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Benchmarks.Unpadded;

/// <summary>
/// Paired timing of one training micro-step (forward, cross-entropy, backward) of all-MiniLM-L6-v2 on the same fortunes
/// batch (16 quotes, max_length 128, dynamic padding), padded and unpadded back to back in alternating order, in fp32 and
/// bf16. Pairing on one batch at a time keeps the ratio meaningful on a machine whose load drifts. Besides wall time it
/// reports this process's CPU time, which on an oversubscribed machine says more about the work done than the wall clock;
/// with <c>threads</c> 1 no OpenMP thread spins, so CPU time is compute.
/// Run: <c>dotnet run -c Release --project tests/BertFineTune.Benchmarks -- unpad-pairs [batches] [threads] [csv] [text column]</c>.
/// </summary>
internal static class StepPairs
{
    public static async Task<int> RunAsync(string[] args)
    {
        TorchNativeLoader.EnsureLoaded();
        var count = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 8;
        if (args.Length > 1)
        {
            torch.set_num_threads(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));
        }

        var file = args.Length > 2 ? args[2] : RepoPaths.Data("fortunes", "fortunes.csv");
        var textColumn = args.Length > 3 ? args[3] : "quote";
        var resolved = await new ModelResolver().ResolveAsync("sentence-transformers/all-MiniLM-L6-v2", "main", HubCache.DefaultRoot(), null, CancellationToken.None);
        var tokenizer = AutoTokenizer.FromDirectory(resolved.Directory);
        var input = await InputTable.ReadAsync(file, textColumn, null, TextReader.Null, CancellationToken.None);
        var texts = input.Rows.Take(480).Select(r => r[input.TextColumn]).ToArray();
        new Random(42).Shuffle(texts);
        var (model, _) = AutoModelForSequenceClassification.FromPretrained(resolved.Directory, new ModelLoadOptions { Labels = ["a", "b", "c", "d", "e", "f", "g", "h"], Seed = 42 });
        using var owned = model;
        model.train();
        var collator = BatchCollator.For(tokenizer, model);
        var batches = texts.Chunk(16).Take(count + 1).Select(chunk => collator.Pad(chunk.Select(t => tokenizer.Encode(t, null, 128)).ToArray())).ToList();
        Console.WriteLine($"{Path.GetFileName(file)}: {batches.Count - 1} batches of 16 (+1 warm-up), padded/real tokens {batches.Skip(1).Sum(b => b.Rows * (double)b.Length) / batches.Skip(1).Sum(b => b.RealTokens):0.00}; threads {torch.get_num_threads()}");
        foreach (var bf16 in new[] { false, true })
        {
            model.SetLinearComputeType(bf16 ? ScalarType.BFloat16 : null);
            var ratios = new List<double>();
            var cpuRatios = new List<double>();
            double paddedTotal = 0, unpaddedTotal = 0, paddedCpu = 0, unpaddedCpu = 0;
            for (var i = 0; i < batches.Count; i++)
            {
                var unpaddedFirst = i % 2 == 0;
                var first = Step(model, batches[i], unpaddedFirst);
                var second = Step(model, batches[i], !unpaddedFirst);
                var ((padded, paddedCpuStep), (unpadded, unpaddedCpuStep)) = unpaddedFirst ? (second, first) : (first, second);
                if (i == 0)
                {
                    continue; // warm-up
                }

                ratios.Add(padded / unpadded);
                cpuRatios.Add(paddedCpuStep / unpaddedCpuStep);
                paddedTotal += padded;
                unpaddedTotal += unpadded;
                paddedCpu += paddedCpuStep;
                unpaddedCpu += unpaddedCpuStep;
            }

            ratios.Sort();
            cpuRatios.Sort();
            Console.WriteLine($"{(bf16 ? "bf16" : "fp32")}: wall padded {paddedTotal:0.00} s, unpadded {unpaddedTotal:0.00} s; per batch median {ratios[ratios.Count / 2]:0.00}x (min {ratios[0]:0.00}, max {ratios[^1]:0.00})");
            Console.WriteLine($"{(bf16 ? "bf16" : "fp32")}: CPU  padded {paddedCpu:0.00} s, unpadded {unpaddedCpu:0.00} s; per batch median {cpuRatios[cpuRatios.Count / 2]:0.00}x (min {cpuRatios[0]:0.00}, max {cpuRatios[^1]:0.00})");
        }

        return 0;
    }

    private static (double Wall, double Cpu) Step(SequenceClassificationModel model, PaddedBatch batch, bool unpadded)
    {
        model.Unpadded = unpadded;
        using var scope = torch.NewDisposeScope();
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var inputs = batch.ToInputs();
        var labels = torch.zeros(batch.Rows, dtype: ScalarType.Int64);
        nn.functional.cross_entropy(model.forward(inputs), labels).backward();
        model.zero_grad();
        var wall = watch.Elapsed.TotalSeconds;
        process.Refresh();
        return (wall, (process.TotalProcessorTime - cpu).TotalSeconds);
    }
}
