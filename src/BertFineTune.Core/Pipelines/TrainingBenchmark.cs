using BertFineTune.Data.Reading;
using BertFineTune.Diagnostics;
using BertFineTune.Hub;
using BertFineTune.Models;
using BertFineTune.Native;
using BertFineTune.Text.Tokenization;
using BertFineTune.Training;
using TorchSharp;

namespace BertFineTune.Pipelines;

/// <summary>What <c>bertft bench</c> measures for one precision.</summary>
/// <param name="Precision"><c>fp32</c> or <c>bf16</c> (bf16 matmuls in every Linear, fp32 master weights).</param>
/// <param name="Steps">Optimizer steps timed.</param>
/// <param name="SamplesPerSecond">Training examples per second.</param>
/// <param name="TokensPerSecond">Real (non-pad) tokens per second.</param>
/// <param name="PeakRssMegabytes">The process's peak resident memory so far (VmHWM), in MB.</param>
public sealed record TrainingThroughput(string Precision, long Steps, double SamplesPerSecond, double TokensPerSecond, double PeakRssMegabytes);

/// <summary>Training throughput of a real model on real text, through the real Trainer, in fp32 and bf16.</summary>
public sealed record TrainingBenchmarkOptions(string ModelId, string DataFile, string TextColumn, string LabelColumn, int Steps = 30, int BatchSize = 16, int MaxLength = 128, int? Threads = null);

public static class TrainingBenchmark
{
    public static async Task<IReadOnlyList<TrainingThroughput>> RunAsync(TrainingBenchmarkOptions options, IProgress<string>? log, CancellationToken cancellationToken)
    {
        TorchNativeLoader.EnsureLoaded();
        var resolved = await new ModelResolver().ResolveAsync(options.ModelId, "main", HubCache.DefaultRoot(), Environment.GetEnvironmentVariable("HF_TOKEN"), cancellationToken);
        log?.Report($"model: {resolved.Description}");
        var (texts, labels) = await ReadAsync(options, options.Steps * options.BatchSize, cancellationToken);
        var names = labels.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var examples = texts.Select((t, i) => TrainingExample.SingleLabel(t, names.IndexOf(labels[i]))).ToList();
        var results = new List<TrainingThroughput>();
        foreach (var bf16 in new[] { false, true })
        {
            var tokenizer = AutoTokenizer.FromDirectory(resolved.Directory);
            var (model, _) = AutoModelForSequenceClassification.FromPretrained(resolved.Directory, new ModelLoadOptions { Labels = names, Seed = 42 });
            using var owned = model;
            using var output = new TemporaryFolder();
            TrainingProgress? last = null;
            var trainer = new Trainer(model, tokenizer, new TrainerOptions
            {
                OutputDir = output.Path,
                Epochs = 1,
                BatchSize = options.BatchSize,
                MaxLength = options.MaxLength,
                Bf16 = bf16,
                Optim = OptimizerKind.AdamWTorchFused,
                Threads = options.Threads,
                SaveStrategy = Training.IntervalStrategy.No,
                LoggingStrategy = Training.IntervalStrategy.No,
                ReportTo = [],
            });
            await trainer.TrainAsync(examples, null, new SynchronousProgress<TrainingProgress>(p => last = p), cancellationToken);
            var precision = bf16 ? "bf16" : "fp32";
            results.Add(new TrainingThroughput(precision, last?.GlobalStep ?? 0, last?.SamplesPerSecond ?? 0, last?.TokensPerSecond ?? 0, PeakRssMegabytes()));
            log?.Report($"{precision}: {results[^1].SamplesPerSecond:0.0} samples/s");
        }

        return results;
    }

    /// <summary>VmHWM from /proc (Linux); the working-set peak elsewhere.</summary>
    public static double PeakRssMegabytes()
    {
        const string status = "/proc/self/status";
        if (File.Exists(status))
        {
            var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            if (line is not null && long.TryParse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], out var kb))
            {
                return kb / 1024.0;
            }
        }

        return System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
    }

    private static async Task<(List<string> Texts, List<string> Labels)> ReadAsync(TrainingBenchmarkOptions options, int count, CancellationToken cancellationToken)
    {
        var input = await InputTable.ReadAsync(options.DataFile, options.TextColumn, options.LabelColumn, TextReader.Null, cancellationToken);
        var rows = input.Rows.Take(count).ToList();
        return (rows.Select(r => r[input.TextColumn]).ToList(), rows.Select(r => r[input.LabelColumn!.Value]).ToList());
    }

    private sealed class TemporaryFolder : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"bertft-bench-{Guid.NewGuid():N}");

        public void Dispose()
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
    }
}
