using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BertFineTune.Data.Reading;
using BertFineTune.Tests.Support;
using BertFineTune.Text.Preprocessing;

namespace BertFineTune.Benchmarks.Text;

/// <summary>
/// Rows per second of <see cref="TextPreprocessor"/> on tweet-sized text (fortunes cut to at most 280 characters, dressed
/// as tweets with a retweet marker, mentions, a URL with a query string, emoji and a hashtag), one core.
/// Run: <c>dotnet run -c Release --project tests/BertFineTune.Benchmarks -- --filter '*TextPreprocessor*' --job short</c>.
/// </summary>
[Config(typeof(RowsPerSecondConfig))]
public class TextPreprocessorBenchmarks
{
    private const int Rows = 2_000;

    private static readonly string[] Dressing =
    [
        "RT @{0}: {1}",
        "{1} \U0001F602\U0001F602 https://t.co/x{2}?utm_source=tw&id={2}",
        "@{0} {1} #fortune \U0001F468\u200D\U0001F469\u200D\U0001F467 \U0001F44D\U0001F3FD",
        "{1}\n\nvia www.example.com/f/{2} \U0001F1EE\U0001F1E9 lol u gotta read this",
    ];

    private string[] _tweets = [];
    private TextPreprocessor _all = null!;
    private TextPreprocessor _light = null!;

    [GlobalSetup]
    public void Setup()
    {
        using var reader = TabularReader.OpenAsync(RepoPaths.Data("fortunes", "fortunes.csv")).GetAwaiter().GetResult();
        var quotes = reader.ReadRowsAsync().Select(r => r[0]).Take(Rows).ToListAsync().AsTask().GetAwaiter().GetResult();
        _tweets = quotes
            .Select((q, i) => string.Format(System.Globalization.CultureInfo.InvariantCulture, Dressing[i % Dressing.Length], $"user_{i}", q.Length > 200 ? q[..200] : q, i))
            .Select(t => t.Length > 280 ? t[..280] : t)
            .ToArray();
        _all = new TextPreprocessor(PreprocessingOptions.All("en"), NormalizationLoader.LoadBundled("en"));
        _light = new TextPreprocessor(new PreprocessingOptions(Lowercase: true, RemoveNewlines: true), null);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Rows)]
    public int EveryOptionOn() => Run(_all);

    [Benchmark(OperationsPerInvoke = Rows)]
    public int LowercaseAndNewlinesOnly() => Run(_light);

    private int Run(TextPreprocessor preprocessor)
    {
        var length = 0;
        foreach (var tweet in _tweets)
        {
            length += preprocessor.Process(tweet).Length;
        }

        return length;
    }

    private sealed class RowsPerSecondConfig : ManualConfig
    {
        public RowsPerSecondConfig() => AddColumn(new RowsPerSecondColumn());
    }

    /// <summary>1 / mean time per row (each operation is one row).</summary>
    private sealed class RowsPerSecondColumn : IColumn
    {
        public string Id => "RowsPerSecond";

        public string ColumnName => "Rows/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Rows processed per second on one core (1 / mean time per row)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
            return mean is > 0 ? (1e9 / mean.Value).ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : "-";
        }

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
