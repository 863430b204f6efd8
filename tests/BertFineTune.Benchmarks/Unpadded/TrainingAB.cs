using BertFineTune.Config;
using BertFineTune.Diagnostics;
using BertFineTune.Hub;
using BertFineTune.Models;
using BertFineTune.Pipelines;
using BertFineTune.Tests.Support;
using BertFineTune.Text.Tokenization;
using BertFineTune.Training;
using TorchSharp;

namespace BertFineTune.Benchmarks.Unpadded;

/// <summary>
/// Padded against unpadded training of all-MiniLM-L6-v2 on the first fortunes quotes (batch 16, max_length 128, fused
/// AdamW), fp32 and bf16, through the real Trainer, the four variants interleaved round by round in one process.
/// Samples/s come from the Trainer's own progress report over the run's steps.
/// Run: <c>dotnet run -c Release --project tests/BertFineTune.Benchmarks -- unpad-train [rounds] [steps] [csv text label]</c>.
/// </summary>
internal static class TrainingAB
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = Rounds.Start(args, 2);
        var steps = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 15;
        var file = args.Length > 2 ? args[2] : RepoPaths.Data("fortunes", "fortunes.csv");
        var (textColumn, labelColumn) = args.Length > 4 ? (args[3], args[4]) : ("quote", "topic");
        var resolved = await new ModelResolver().ResolveAsync("sentence-transformers/all-MiniLM-L6-v2", "main", HubCache.DefaultRoot(), null, CancellationToken.None);
        var input = await InputTable.ReadAsync(file, textColumn, labelColumn, TextReader.Null, CancellationToken.None);
        var rows = input.Rows.Take(steps * 16).ToList();
        var labels = rows.Select(r => r[input.LabelColumn!.Value]).ToList();
        var names = labels.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var examples = rows.Select((r, i) => TrainingExample.SingleLabel(r[input.TextColumn], names.IndexOf(labels[i]))).ToList();
        Console.WriteLine($"{resolved.Description}; {examples.Count} rows of {Path.GetFileName(file)}, {steps} steps of 16, threads {torch.get_num_threads()}");

        var variants = new (string Name, bool Bf16, bool Unpadded)[] { ("fp32 padded", false, false), ("fp32 unpadded", false, true), ("bf16 padded", true, false), ("bf16 unpadded", true, true) };
        var results = variants.ToDictionary(v => v.Name, _ => new List<double>());
        for (var round = 0; round < rounds; round++)
        {
            var order = round % 2 == 0 ? variants : variants.Reverse().ToArray();
            foreach (var (name, bf16, unpadded) in order)
            {
                var samples = await TrainAsync(resolved.Directory, names, examples, bf16, unpadded);
                results[name].Add(samples);
                Console.WriteLine($"  round {round + 1}: {name,-14} {samples,6:0.0} samples/s");
            }
        }

        foreach (var precision in new[] { "fp32", "bf16" })
        {
            var ratios = results[$"{precision} unpadded"].Zip(results[$"{precision} padded"], (u, p) => u / p);
            Console.WriteLine($"{precision}: unpadded/padded per round {string.Join(", ", ratios.Select(r => r.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)))}");
        }

        var bf16Ratios = results["bf16 unpadded"].Zip(results["fp32 unpadded"], (b, f) => b / f);
        Console.WriteLine($"unpadded bf16/fp32 per round {string.Join(", ", bf16Ratios.Select(r => r.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)))}");
        return 0;
    }

    private static async Task<double> TrainAsync(string directory, List<string> names, List<TrainingExample> examples, bool bf16, bool unpadded)
    {
        var (model, _) = AutoModelForSequenceClassification.FromPretrained(directory, new ModelLoadOptions { Labels = names, Seed = 42 });
        using var owned = model;
        var output = Path.Combine(Path.GetTempPath(), $"bertft-unpad-ab-{Guid.NewGuid():N}");
        try
        {
            TrainingProgress? last = null;
            var trainer = new Trainer(model, AutoTokenizer.FromDirectory(directory), new TrainerOptions
            {
                OutputDir = output,
                Epochs = 1,
                BatchSize = 16,
                MaxLength = 128,
                Bf16 = bf16,
                Unpadded = unpadded,
                Optim = Optimizer.AdamwTorchFused,
                SaveStrategy = IntervalStrategy.No,
                LoggingStrategy = IntervalStrategy.No,
                ReportTo = [],
            });
            await trainer.TrainAsync(examples, null, new SynchronousProgress<TrainingProgress>(p => last = p));
            return last?.SamplesPerSecond ?? 0;
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }
}
