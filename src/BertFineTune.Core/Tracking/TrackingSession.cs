using System.Globalization;
using System.Text.Json.Nodes;
using BertFineTune.Config;
using BertFineTune.Diagnostics;
using BertFineTune.Evaluation;
using BertFineTune.Reporting;
using BertFineTune.Training;
using BertFineTune.Training.Checkpoints;
using BertFineTune.Training.Logging;

namespace BertFineTune.Tracking;

/// <summary>
/// <c>report_to: [wandb, mlflow]</c> for one <c>bertft train</c>: fed by the Trainer as an <see cref="ITrainerCallback"/>
/// and by the pipeline (final metrics, tables, files), it hands every update to one <see cref="TrackingSender"/> per
/// service and returns at once. Our run id is written into each checkpoint (<c>tracking.json</c>), so a resumed run
/// continues the same W&amp;B run and MLflow run. Disposing without <see cref="FinishAsync"/> marks the runs failed
/// (or killed, when training was cancelled).
/// </summary>
public sealed class TrackingSession : ITrainerCallback, IAsyncDisposable
{
    /// <summary>W&amp;B's exit code for a run stopped by the user; MLflow's KILLED.</summary>
    public const int CancelledExitCode = 255;

    /// <summary>The file in a checkpoint that holds the run id.</summary>
    public const string StateFile = "tracking.json";

    private static readonly TimeSpan FailedRunWait = TimeSpan.FromSeconds(15);

    private readonly TrackingRun _run;
    private readonly IReadOnlyList<TrackingSender> _senders;
    private readonly TrackingOptions _options;
    private readonly IProgress<string>? _log;
    private readonly SecretScrubber _scrubber;
    private readonly CancellationToken _training;
    private readonly object _gate = new();
    private MetricRow? _pending;
    private long _lastStep;
    private int _finished;

    private TrackingSession(TrackingRun run, IReadOnlyList<TrackingSender> senders, TrackingOptions options, IProgress<string>? log, SecretScrubber scrubber, CancellationToken training)
    {
        _run = run;
        _senders = senders;
        _options = options;
        _log = log;
        _scrubber = scrubber;
        _training = training;
    }

    public string RunId => _run.RunId;

    /// <summary>
    /// Starts the senders for the services in <c>report_to</c> (none: null). Nothing here waits on the network.
    /// </summary>
    /// <param name="loaded">The validated config (the key, URLs and settings are already resolved by <see cref="TrackingConfigRules"/>).</param>
    /// <param name="options">The Trainer's options: output folder and the checkpoint being resumed, if any.</param>
    /// <param name="tracking">Timeouts, retries and the environment.</param>
    /// <param name="log">Where warnings and the end-of-run lines go.</param>
    /// <param name="training">The run's token: when it is cancelled, an unfinished session ends as cancelled.</param>
    public static TrackingSession? Start(LoadedConfig loaded, TrainerOptions options, TrackingOptions tracking, IProgress<string>? log, CancellationToken training = default)
    {
        var config = loaded.Config;
        var sinks = config.Loggings.ReportTo;
        if (!sinks.Contains(ReportSink.Wandb) && !sinks.Contains(ReportSink.Mlflow))
        {
            return null;
        }

        var previous = ResumedRunId(options);
        var run = new TrackingRun(
            previous ?? TrackingRun.NewId(),
            previous is not null,
            loaded.Describe().Select(s => new KeyValuePair<string, string>(s.Key, s.Value)).ToList(),
            config.BaseModel.ModelId,
            options.OutputDir);
        var mlflow = sinks.Contains(ReportSink.Mlflow) ? MlflowSettings.From(config, tracking.Environment) : null;
        var scrubber = new SecretScrubber([config.Credentials.WandbApiKey, config.Credentials.HuggingfaceToken, mlflow?.Token, mlflow?.Password]);
        var senders = new List<TrackingSender>();
        void Warn(UserError warning) => log?.Report(scrubber.Scrub(loaded.Sources.Attach(warning).ToString()));
        if (sinks.Contains(ReportSink.Wandb))
        {
            senders.Add(new TrackingSender(new WandbBackend(WandbSettings.From(config), tracking, scrubber), run, tracking, Warn));
        }

        if (mlflow is not null)
        {
            senders.Add(new TrackingSender(new MlflowBackend(mlflow, tracking, scrubber), run, tracking, Warn));
        }

        foreach (var sender in senders)
        {
            sender.Start();
        }

        log?.Report($"tracking run {run.RunId} with {string.Join(" and ", senders.Select(s => s.Name))}{(run.Resuming ? " (resumed)" : string.Empty)}");
        return new TrackingSession(run, senders, tracking, log, scrubber, training);
    }

    /// <summary>Rows of one step (log, eval, train_end) become one history row, as W&amp;B wants one row per step.</summary>
    public void OnLog(TrainerLogRow row)
    {
        var values = MetricNames.Rewrite(row.Values);
        lock (_gate)
        {
            if (_pending is { } pending && pending.Step == row.Step)
            {
                var merged = new SortedDictionary<string, double>((IDictionary<string, double>)pending.Values, StringComparer.Ordinal);
                foreach (var (key, value) in values)
                {
                    merged[key] = value;
                }

                _pending = pending with { Values = merged };
            }
            else
            {
                FlushPending();
                _pending = new MetricRow(row.Step, DateTimeOffset.UtcNow, values);
            }

            _lastStep = Math.Max(_lastStep, row.Step);
            Post(ConsoleLine(row));
        }
    }

    public void OnSave(string checkpointDirectory) =>
        File.WriteAllText(Path.Combine(checkpointDirectory, StateFile), new JsonObject { ["run_id"] = _run.RunId }.ToJsonString() + "\n");

    /// <summary>
    /// The final evaluation: test metrics (validation when there is no test split) into the summary, the confusion
    /// matrix and per-class table as tables, <c>model/</c>, <c>metrics.json</c> and <c>report.html</c> as artifacts;
    /// the same scalars go into the TensorBoard event files.
    /// </summary>
    public void ReportResults(MetricsDocument metrics, string modelDirectory, ReportFiles files)
    {
        var (prefix, report) = metrics.Test is { } test ? ("test_", test) : metrics.Validation is { } validation ? ("eval_", validation) : ("test_", (ClassificationReport?)null);
        lock (_gate)
        {
            FlushPending();
            if (report is not null)
            {
                var named = MetricNames.Rewrite(report.ToMetricsDictionary(prefix));
                var section = prefix == "test_" ? "test/" : "eval/";
                var tables = new Dictionary<string, JsonNode> { [section + "per_class"] = PerClassTable(report) };
                if (report.ConfusionMatrix is { } matrix)
                {
                    tables[section + "confusion_matrix"] = ConfusionTable(matrix);
                }

                Post(new TrackingSummary(named, tables));
                new TensorBoardReporter(Path.Combine(_run.OutputDir, "logs", "tensorboard")).Scalars(report.ToMetricsDictionary(prefix), _lastStep);
            }

            foreach (var file in Directory.EnumerateFiles(modelDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                Post(new TrackingArtifact(file, "model/" + Path.GetRelativePath(modelDirectory, file).Replace('\\', '/')));
            }

            Post(new TrackingArtifact(files.MetricsJsonPath, Path.GetFileName(files.MetricsJsonPath)));
            Post(new TrackingArtifact(files.ReportHtmlPath, Path.GetFileName(files.ReportHtmlPath)));
        }
    }

    /// <summary>
    /// Sends what is left, marks the runs finished (0) or failed, and waits at most <see cref="TrackingOptions.FinishTimeout"/>
    /// (15 s for a failed or cancelled run).
    /// </summary>
    public async Task FinishAsync(int exitCode)
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0)
        {
            return;
        }

        lock (_gate)
        {
            FlushPending();
        }

        // A failed run's error should not wait long behind its last updates.
        var wait = exitCode == 0 ? _options.FinishTimeout : TimeSpan.FromTicks(Math.Min(_options.FinishTimeout.Ticks, FailedRunWait.Ticks));
        var lines = await Task.WhenAll(_senders.Select(s => s.CompleteAsync(exitCode, wait)));
        foreach (var line in lines.SelectMany(l => l))
        {
            _log?.Report(_scrubber.Scrub(line));
        }
    }

    public ValueTask DisposeAsync() => new(FinishAsync(_training.IsCancellationRequested ? CancelledExitCode : 1));

    /// <summary>The run id a resumed checkpoint recorded; null for a fresh run or a checkpoint from before tracking.</summary>
    private static string? ResumedRunId(TrainerOptions options)
    {
        if (options.ResumeFromCheckpoint is null)
        {
            return null;
        }

        try
        {
            var file = Path.Combine(CheckpointFolders.ResolveResume(options.OutputDir, options.ResumeFromCheckpoint), StateFile);
            return File.Exists(file) ? JsonNode.Parse(File.ReadAllText(file))?["run_id"]?.GetValue<string>() : null;
        }
        catch (Exception e) when (e is UserErrorException or IOException or System.Text.Json.JsonException or InvalidOperationException)
        {
            return null; // The Trainer reports a bad checkpoint itself; tracking then starts a new run.
        }
    }

    private static string ConsoleLine(TrainerLogRow row) =>
        $"{row.Kind} step {row.Step} epoch {row.Epoch.ToString("0.###", CultureInfo.InvariantCulture)}: " +
        string.Join(", ", row.Values.Where(kv => kv.Key is not ("step" or "epoch")).Select(kv => $"{kv.Key}={kv.Value.ToString("G6", CultureInfo.InvariantCulture)}"));

    private static JsonObject ConfusionTable(ConfusionMatrix matrix) => new()
    {
        ["labels"] = new JsonArray(matrix.Labels.Select(l => (JsonNode)JsonValue.Create(l)).ToArray()),
        ["counts"] = new JsonArray(matrix.Counts.Select(row => (JsonNode)new JsonArray(row.Select(c => (JsonNode)JsonValue.Create(c)).ToArray())).ToArray()),
    };

    private static JsonArray PerClassTable(ClassificationReport report) =>
        new(report.PerClass.Select(c => (JsonNode)new JsonObject
        {
            ["label"] = c.Label,
            ["precision"] = Finite(c.Precision),
            ["recall"] = Finite(c.Recall),
            ["f1"] = Finite(c.F1),
            ["support"] = c.Support,
        }).ToArray());

    private static JsonNode? Finite(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    private void FlushPending()
    {
        if (_pending is { } pending)
        {
            Post(pending);
            _pending = null;
        }
    }

    private void Post(object update)
    {
        foreach (var sender in _senders)
        {
            sender.Post(update is string line ? _scrubber.Scrub(line) : update);
        }
    }
}
