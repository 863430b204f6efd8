using System.Globalization;
using BertFineTune.Evaluation;
using BertFineTune.Reporting;
using BertFineTune.Tests.Support;
using CsvHelper;

namespace BertFineTune.Tests.Reporting;

/// <summary>
/// Report inputs that look like a real fortunes run: the true topics of the last 309 rows of the shared
/// fortunes.csv, predictions from seeded logits that are right about 85% of the time (mistakes lean towards
/// the big classes, as a fine-tuned model's do), and a 3-epoch log history with HF's linear schedule.
/// </summary>
internal static class SampleRun
{
    public static (string[] Labels, int[] TrueIds) FortunesTestSplit()
    {
        using var reader = new StreamReader(RepoPaths.Data("fortunes", "fortunes.csv"));
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        var topics = csv.GetRecords<FortuneRow>().Select(r => r.Topic).ToList();
        var labels = topics.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var test = topics.Skip(topics.Count - 309).Select(t => Array.IndexOf(labels, t)).ToArray();
        return (labels, test);
    }

    public static float[][] Logits(int[] trueIds, int numLabels, double accuracy, int seed)
    {
        var random = new Random(seed);
        return [.. trueIds.Select(truth =>
        {
            var row = Enumerable.Range(0, numLabels).Select(_ => (float)(random.NextDouble() * 2) - 1).ToArray();
            var winner = random.NextDouble() < accuracy ? truth : Math.Min(random.Next(numLabels), random.Next(numLabels));
            row[winner] += 4f;
            return row;
        })];
    }

    public static ClassificationReport Evaluate(string[] labels, int[] trueIds, double accuracy, int seed, double loss) =>
        ClassificationMetrics.ComputeMetrics(
            EvalPrediction.SingleLabel(Logits(trueIds, labels.Length, accuracy, seed), trueIds),
            new MetricsOptions(labels, loss)).Report;

    public static IReadOnlyList<LogHistoryEntry> History(int stepsPerEpoch, int epochs, int loggingSteps, Func<int, double, IReadOnlyDictionary<string, double>> evaluate)
    {
        var random = new Random(7);
        var total = stepsPerEpoch * epochs;
        var warmup = total / 10;
        var history = new List<LogHistoryEntry>();
        for (var step = loggingSteps; step <= total; step += loggingSteps)
        {
            var lr = 5e-5 * (step < warmup ? (double)step / warmup : (double)(total - step) / (total - warmup));
            var loss = 0.35 + (1.7 * Math.Exp(-step / 180.0)) + ((random.NextDouble() - 0.5) * 0.12);
            history.Add(new LogHistoryEntry(step, (double)step / stepsPerEpoch, Loss: loss, LearningRate: lr, GradNorm: 2 + random.NextDouble()));
        }

        for (var epoch = 1; epoch <= epochs; epoch++)
        {
            history.Add(new LogHistoryEntry(epoch * stepsPerEpoch, epoch, EvalMetrics: evaluate(epoch, 0.5 + (0.1 * epoch))));
        }

        return history;
    }

    public static ReportData TrainingReport()
    {
        var (labels, test) = FortunesTestSplit();
        var validation = test.Reverse().ToArray();
        var history = History(155, 3, 25, (epoch, accuracy) =>
            Evaluate(labels, validation, accuracy + 0.08, seed: epoch, loss: 1.2 - (0.25 * epoch))
                .ToMetricsDictionary()
                .ToDictionary(kv => "eval_" + kv.Key, kv => kv.Value));

        return new ReportData
        {
            Title = "Training report",
            Run = new RunInfo(
                "sentence-transformers/all-MiniLM-L6-v2",
                "cpu (2 threads)",
                new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero),
                TimeSpan.FromSeconds(754.2),
                [new("command", "bertft train fortunes.yaml"), new("output_dir", "runs/fortunes"), new("seed", "42")]),
            Config =
            [
                new("model.name", "sentence-transformers/all-MiniLM-L6-v2"),
                new("hyperparameters.learning_rate", "5e-05"),
                new("hyperparameters.batch_size", "16"),
                new("hyperparameters.epochs", "3"),
                new("tokenizer.max_length", "128"),
                new("hub.token", "hf_abcdefghijklmnopqrstuvwxyz012345"),
            ],
            LogHistory = history,
            Metrics = new MetricsDocument
            {
                ProblemType = BertFineTune.Models.ProblemType.SingleLabelClassification,
                Labels = labels,
                Train = Evaluate(labels, [.. test, .. validation], 0.93, seed: 11, loss: 0.21),
                Validation = Evaluate(labels, validation, 0.86, seed: 12, loss: 0.49),
                Test = Evaluate(labels, test, 0.85, seed: 13, loss: 0.52),
                Summary = new Dictionary<string, double> { ["train_runtime"] = 754.2, ["train_samples_per_second"] = 9.83 },
            },
        };
    }

    private sealed class FortuneRow
    {
        [CsvHelper.Configuration.Attributes.Name("quote")]
        public string Quote { get; set; } = string.Empty;

        [CsvHelper.Configuration.Attributes.Name("topic")]
        public string Topic { get; set; } = string.Empty;
    }
}
