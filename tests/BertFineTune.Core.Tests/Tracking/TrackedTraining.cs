using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using BertFineTune.Config;
using BertFineTune.Pipelines;
using BertFineTune.Tests.Support;
using BertFineTune.Tracking;
using BertFineTune.Training;

namespace BertFineTune.Tests.Tracking;

/// <summary>
/// Runs <c>bertft train</c>'s pipeline in-process with the tiny-bert fixture on a small generated corpus (three
/// topics, 60 rows: 5 steps per epoch at batch 8), with a controlled environment and short network timeouts.
/// </summary>
internal static class TrackedTraining
{
    public const string WandbKey = "wbk-0123456789abcdef0123456789abcdef01234567";
    public const string MlflowToken = "mlflow-token-that-is-secret-123456";

    public static TrackingOptions Fast(Dictionary<string, string> environment) => new()
    {
        Environment = name => environment.GetValueOrDefault(name),
        RequestTimeout = TimeSpan.FromSeconds(5),
        MaxAttempts = 4,
        FirstBackoff = TimeSpan.FromMilliseconds(50),
        MaxBackoff = TimeSpan.FromMilliseconds(200),
        BatchInterval = TimeSpan.FromMilliseconds(100),
        FinishTimeout = TimeSpan.FromSeconds(60),
    };

    public static string Config(string reportTo, string extra = "", int epochs = 2) => $$"""
        seed: 11
        base_model:
          model_id: {{RepoPaths.Fixture("tiny-bert").Replace('\\', '/')}}/model
        dataset:
          - filepath: data.csv
            text_column: text
            label_column: topic
        training:
          split_ratio: [0.7, 0.15, 0.15]
          output_dir: out
          threads: 1
        hyperparameters:
          epochs: {{epochs}}
          batch_size: 8
          learning_rate: 1.0e-3
          warmup_steps: 0
          max_length: 16
        loggings:
          logging_steps: 2
          eval_strategy: epoch
          save_strategy: epoch
          save_total_limit: null
          load_best_model_at_end: false
          report_to: {{reportTo}}
        {{extra}}
        """;

    /// <summary>Three topics in words of the fixture's vocabulary, seeded, so the split and the run repeat exactly.</summary>
    public static void WriteData(string directory)
    {
        var topics = new Dictionary<string, string[]>
        {
            ["animals"] = ["the dog runs", "a cat sleeps", "the bird sings", "dogs and cats play"],
            ["food"] = ["we eat bread", "the soup is hot", "rice and fish", "she cooks dinner"],
            ["weather"] = ["it is raining", "the sun is out", "cold wind today", "snow in the north"],
        };
        var random = new Random(5);
        var csv = new StringBuilder("text,topic\n");
        for (var i = 0; i < 60; i++)
        {
            var (topic, phrases) = topics.ElementAt(i % 3);
            csv.Append(CultureInfo.InvariantCulture, $"{phrases[random.Next(phrases.Length)]} {phrases[random.Next(phrases.Length)]} {i},{topic}\n");
        }

        File.WriteAllText(Path.Combine(directory, "data.csv"), csv.ToString());
    }

    public static LoadedConfig Load(string directory, string yaml, Dictionary<string, string> environment) =>
        new ConfigLoader(new ConfigLoaderOptions { Environment = name => environment.GetValueOrDefault(name), CudaAvailable = () => false })
            .Load(yaml, Path.Combine(directory, "config.yaml"), directory, []);

    /// <summary>Runs training; cancels once <paramref name="cancelAtStep"/> is reached, if given.</summary>
    public static async Task<Outcome> RunAsync(
        string directory, string yaml, Dictionary<string, string> environment, TrackingOptions options, string? resume = null, long? cancelAtStep = null)
    {
        var log = new ConcurrentQueue<string>();
        using var cancel = new CancellationTokenSource();
        var progress = new InlineProgress(p =>
        {
            if (cancelAtStep is { } stop && p.GlobalStep >= stop)
            {
                cancel.Cancel();
            }
        });
        var pipeline = new TrainPipeline(new InlineLog(log), progress) { Tracking = options };
        try
        {
            var result = await pipeline.RunAsync(Load(directory, yaml, environment), resume, cancel.Token).WaitAsync(TimeSpan.FromMinutes(5));
            return new Outcome(result, null, [.. log]);
        }
        catch (OperationCanceledException e) when (cancel.IsCancellationRequested)
        {
            return new Outcome(null, e, [.. log]);
        }
    }

    /// <summary>Every text file the run left in <paramref name="directory"/> (logs, report, checkpoints), concatenated.</summary>
    public static string AllText(string directory) =>
        string.Join('\n', Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetExtension(f) is ".json" or ".jsonl" or ".html" or ".txt" or ".csv" or ".yaml")
            .Select(File.ReadAllText));

    public sealed record Outcome(TrainRunResult? Result, Exception? Cancelled, IReadOnlyList<string> Log);

    private sealed class InlineLog(ConcurrentQueue<string> lines) : IProgress<string>
    {
        public void Report(string value) => lines.Enqueue(value);
    }

    private sealed class InlineProgress(Action<TrainingProgress> onReport) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => onReport(value);
    }
}
