using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using BertFineTune.Inference;

namespace BertFineTune.Benchmarks.Inference;

/// <summary>
/// Sentences per second of <see cref="TextClassifier"/> at batch sizes 1, 16 and 64, fp32 and bf16 linear layers.
/// Each operation classifies the same 64 real sentences; the Sentences/s column is 64 / time.
/// Run: <c>BERTFT_BENCH_MODEL=path dotnet run -c Release --project tests/BertFineTune.Benchmarks -- --filter '*TextClassifierThroughput*'</c>.
/// </summary>
[Config(typeof(Config))]
public class TextClassifierThroughputBenchmarks
{
    public const int SentencesPerOperation = 64;

    private TextClassifier? classifier;
    private string[] sentences = [];

    [Params(1, 16, 64)]
    public int BatchSize { get; set; }

    [Params(false, true)]
    public bool Bf16 { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        classifier = BenchModel.Load(new TextClassifierOptions { BatchSize = BatchSize, UseBf16 = Bf16 });
        sentences = BenchModel.Sentences(SentencesPerOperation);
        Console.WriteLine($"// model: {BenchModel.Description} ({classifier.Architecture}), threads {TorchSharp.torch.get_num_threads()}");
    }

    [GlobalCleanup]
    public void Cleanup() => classifier?.Dispose();

    [Benchmark(OperationsPerInvoke = SentencesPerOperation)]
    public IReadOnlyList<TextPrediction> Classify() => classifier!.PredictBatch(sentences);

    /// <summary>Bounded runs, in process (no separate build), with a sentences-per-second column.</summary>
    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithLaunchCount(1)
                .WithWarmupCount(2)
                .WithIterationCount(5));
            AddColumn(new SentencesPerSecondColumn());
            // Under the repository's ignored artifacts/ folder, not beside the sources.
            ArtifactsPath = Path.Combine(BertFineTune.Tests.Support.RepoPaths.Root, "artifacts", "benchmarks");
        }
    }

    private sealed class SentencesPerSecondColumn : IColumn
    {
        public string Id => nameof(SentencesPerSecondColumn);

        public string ColumnName => "Sentences/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Sentences classified per second (OperationsPerInvoke = one sentence)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
            summary[benchmarkCase]?.ResultStatistics is { } stats ? (1e9 / stats.Mean).ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : "-";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
