using System.Diagnostics;
using BertFineTune.Config;
using BertFineTune.Diagnostics;
using BertFineTune.Hub;
using BertFineTune.Models;
using BertFineTune.Models.Configuration;
using BertFineTune.Native;
using BertFineTune.Pipelines;
using BertFineTune.Text.Tokenization;
using TorchSharp;

namespace BertFineTune.Training.Benchmarking;

/// <summary>
/// <c>bertft bench</c>: trains a real model on real text through the real <see cref="Trainer"/>, once per precision and
/// mode, times every optimizer step, and compares the model's FLOP rate on real tokens with the matmul peak this machine
/// reaches on the model's own GEMM shapes.
/// </summary>
public static class TrainingBenchmark
{
    public static async Task<BenchmarkReport> RunAsync(TrainingBenchmarkOptions options, IProgress<string>? log, CancellationToken cancellationToken)
    {
        options.Validate();
        TorchNativeLoader.EnsureLoaded();
        var threads = options.Threads ?? DeviceResolver.PhysicalCores();
        var resolved = await new ModelResolver().ResolveAsync(options.ModelId, "main", HubCache.DefaultRoot(), Environment.GetEnvironmentVariable("HF_TOKEN"), cancellationToken);
        log?.Report($"model: {resolved.Description}");
        var totalSteps = options.WarmupSteps + options.Steps;
        var (examples, labels) = await ReadAsync(options, totalSteps * options.BatchSize, cancellationToken);

        return await Task.Factory.StartNew(
            () => Measure(options, resolved.Directory, examples, labels, threads, log, cancellationToken),
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    private static BenchmarkReport Measure(
        TrainingBenchmarkOptions options,
        string modelDir,
        IReadOnlyList<TrainingExample> examples,
        IReadOnlyList<string> labels,
        int threads,
        IProgress<string>? log,
        CancellationToken cancellationToken)
    {
        torch.set_num_threads(threads);
        var tokenizer = AutoTokenizer.FromDirectory(modelDir);
        ModelFlops flops;
        IReadOnlyList<(long Out, long In)> linearShapes;
        int maxLength;
        var (probe, _) = AutoModelForSequenceClassification.FromPretrained(modelDir, new ModelLoadOptions { Labels = labels, Seed = 42 });
        using (probe)
        {
            var config = AutoModelForSequenceClassification.ParseConfig(ConfigJson.Load(modelDir), probe.ModelType);
            flops = ModelFlops.Of(probe, config.NumHiddenLayers, config.HiddenSize);
            linearShapes = ModelFlops.LinearShapes(probe);
            maxLength = Math.Min(options.MaxLength, probe.MaxSequenceLength);
        }

        const int Seed = 42;
        var batches = BenchmarkBatches.Plan(examples, tokenizer, maxLength, options.BatchSize, Seed);
        var timed = batches.Skip(options.WarmupSteps).ToList();
        var realTokens = timed.Sum(b => b.RealTokens);
        var paddedTokens = timed.Sum(b => b.PaddedTokens);
        var paddingRatio = (double)paddedTokens / Math.Max(1, realTokens);
        var timedFlops = timed.Sum(flops.TrainingFlops);
        log?.Report($"{flops.NonEmbeddingParameters:N0} non-embedding parameters; padding ratio {paddingRatio:0.00} (padded/real tokens over {timed.Count} timed batches)");

        // The GEMMs a step runs have as many rows as a batch has tokens: padded in the padded mode, real when unpadded.
        var rowCounts = new[] { (long)Math.Round((double)paddedTokens / timed.Count), (long)Math.Round((double)realTokens / timed.Count) }.Distinct().ToList();
        var precisions = new List<(string Name, bool Bf16)>();
        if (options.Fp32)
        {
            precisions.Add(("fp32", false));
        }

        if (options.Bf16)
        {
            precisions.Add(("bf16", true));
        }

        var peaks = new Dictionary<string, MatmulPeak>(StringComparer.Ordinal);
        foreach (var (name, bf16) in precisions)
        {
            // On a thread that ends with it (ShortLivedThread): an OpenMP team left alive beside the training thread's
            // would make its workers sleep between ops for the whole timed run.
            var peak = ShortLivedThread.Run(() => GemmPeak.Measure(linearShapes, rowCounts, bf16 ? torch.ScalarType.BFloat16 : torch.ScalarType.Float32, options.PeakBudgetPerShape, cancellationToken));
            peaks[name] = peak;
            log?.Report($"{name} matmul peak: {peak.Gflops:0.0} GFLOP/s (best of {peak.Gemms.Count} GEMM shapes)");
        }

        var modes = new List<(string Name, bool Unpadded)>();
        if (options.Padded)
        {
            modes.Add(("padded", false));
        }

        if (options.Unpadded)
        {
            modes.Add(("unpadded", true));
        }

        var perRunPeak = true;
        var results = new Dictionary<string, IReadOnlyDictionary<string, BenchmarkResult>>(StringComparer.Ordinal);
        foreach (var (precision, bf16) in precisions)
        {
            var byMode = new Dictionary<string, BenchmarkResult>(StringComparer.Ordinal);
            foreach (var (mode, unpadded) in modes)
            {
                Native.MemoryRelease.Now();
                perRunPeak &= ResidentMemory.TryResetPeak();
                var stepSeconds = TrainAndTime(options, modelDir, tokenizer, examples, labels, maxLength, threads, Seed, bf16, unpadded, cancellationToken);
                var times = stepSeconds.Skip(options.WarmupSteps).ToList();
                var seconds = Math.Max(times.Sum(), 1e-9);
                var samples = timed.Sum(b => (long)b.Rows);
                var modelGflops = timedFlops / seconds / 1e9;
                var peak = peaks[precision].Gflops;
                var result = new BenchmarkResult(
                    precision,
                    mode,
                    times.Count,
                    samples,
                    realTokens,
                    paddedTokens,
                    times.Average(),
                    Median(times),
                    samples / seconds,
                    realTokens / seconds,
                    paddedTokens / seconds,
                    modelGflops,
                    peak,
                    peak > 0 ? modelGflops / peak : 0,
                    ResidentMemory.PeakMegabytes());
                byMode[mode] = result;
                log?.Report($"{precision} {mode}: {result.SamplesPerS:0.0} samples/s, median step {result.StepTimeMedianS * 1000:0} ms, {result.PeakShare:P0} of peak, peak RSS {result.PeakRssMb:0} MB");
            }

            results[precision] = byMode;
        }

        return new BenchmarkReport(
            options.ModelId,
            options.DataFile,
            options.BatchSize,
            maxLength,
            options.Steps,
            options.WarmupSteps,
            threads,
            flops.NonEmbeddingParameters,
            paddingRatio,
            perRunPeak,
            peaks,
            results);
    }

    /// <summary>One training run of warm-up + timed steps; returns the wall time of every optimizer step, in order.</summary>
    private static List<double> TrainAndTime(
        TrainingBenchmarkOptions options,
        string modelDir,
        ITextTokenizer tokenizer,
        IReadOnlyList<TrainingExample> examples,
        IReadOnlyList<string> labels,
        int maxLength,
        int threads,
        int seed,
        bool bf16,
        bool unpadded,
        CancellationToken cancellationToken)
    {
        var (model, _) = AutoModelForSequenceClassification.FromPretrained(modelDir, new ModelLoadOptions { Labels = labels, Seed = seed });
        using var owned = model;
        using var output = new TemporaryFolder();
        var trainer = new Trainer(model, tokenizer, new TrainerOptions
        {
            OutputDir = output.Path,
            Epochs = 1,
            BatchSize = options.BatchSize,
            MaxLength = maxLength,
            Bf16 = bf16,
            Unpadded = unpadded,
            Optim = Optimizer.AdamwTorchFused,
            Threads = threads,
            Seed = seed,
            SaveStrategy = IntervalStrategy.No,
            LoggingStrategy = IntervalStrategy.No,
            ReportTo = [],
        });

        // Step k's time runs from the end of step k-1 to the end of step k: collation, forward, backward, optimizer.
        var steps = new List<double>();
        var clock = Stopwatch.StartNew();
        var last = TimeSpan.Zero;
        var progress = new SynchronousProgress<TrainingProgress>(p =>
        {
            if (p.Kind == TrainingProgressKind.Step)
            {
                var now = clock.Elapsed;
                steps.Add((now - last).TotalSeconds);
                last = now;
            }
        });
        trainer.TrainAsync(examples, null, progress, cancellationToken).GetAwaiter().GetResult();
        return steps;
    }

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>The first <paramref name="count"/> rows with text, repeated from the top when the file is shorter.</summary>
    private static async Task<(IReadOnlyList<TrainingExample> Examples, IReadOnlyList<string> Labels)> ReadAsync(TrainingBenchmarkOptions options, int count, CancellationToken cancellationToken)
    {
        var input = await InputTable.ReadAsync(options.DataFile, options.TextColumn, options.LabelColumn, TextReader.Null, cancellationToken);
        var rows = input.Rows.Where(r => !string.IsNullOrWhiteSpace(r[input.TextColumn])).Take(count).ToList();
        if (rows.Count == 0)
        {
            throw new UserErrorException("BFT314", $"{options.DataFile} has no rows with text in column '{options.TextColumn}'; the bench needs labelled texts.", file: options.DataFile);
        }

        var labels = rows.Select(r => r[input.LabelColumn!.Value]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var examples = Enumerable.Range(0, count)
            .Select(i => rows[i % rows.Count])
            .Select(r => TrainingExample.SingleLabel(r[input.TextColumn], labels.IndexOf(r[input.LabelColumn!.Value])))
            .ToList();
        return (examples, labels);
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
