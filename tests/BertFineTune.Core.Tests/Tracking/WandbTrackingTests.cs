using System.Text;
using System.Text.Json.Nodes;
using BertFineTune.Native;
using BertFineTune.Tests.Support;
using BertFineTune.Tracking;

namespace BertFineTune.Tests.Tracking;

/// <summary>
/// <c>report_to: [wandb]</c> against a W&amp;B look-alike on loopback (the real service is not reachable here): the
/// whole run, resume into the same run, a failing then recovering server, one that never answers, and a wrong key.
/// </summary>
public class WandbTrackingTests
{
    private static readonly Dictionary<string, string> Env = new() { ["WANDB_API_KEY"] = TrackedTraining.WandbKey };

    public WandbTrackingTests() => TorchNativeLoader.EnsureLoaded();

    private static string Yaml(FakeWandbServer server, int epochs = 2) => TrackedTraining.Config("[jsonl, wandb]", $"""
        wandb:
          project: bertft-tests
          run_name: tiny-topics
          tags: [tiny, ci]
          base_url: {server.Endpoint}
        """, epochs);

    [Fact]
    public async Task A_run_streams_config_history_summary_and_tables_then_finishes()
    {
        using var dir = new TempDirectory();
        TrackedTraining.WriteData(dir.Path);
        using var server = new FakeWandbServer(TrackedTraining.WandbKey);

        var outcome = await TrackedTraining.RunAsync(dir.Path, Yaml(server), Env, TrackedTraining.Fast(Env));

        Assert.Empty(server.Problems);
        var result = outcome.Result!;
        var run = Assert.Single(server.Runs.Values);
        Assert.Equal(8, run.Name.Length);
        Assert.Equal("bertft-tests", run.Project);
        Assert.Equal("tiny-topics", run.DisplayName);
        Assert.Equal(["tiny", "ci"], run.Tags);
        Assert.Equal("0.001", run.Config["hyperparameters.learning_rate"]!["value"]!.ToJsonString());
        Assert.Equal("(set, hidden)", run.Config["credentials.wandb_api_key"]!["value"]!.GetValue<string>());
        Assert.Equal([0], run.ExitCodes);

        // One history row per step, in step order, under HF's names; every Trainer row is there.
        var steps = run.History.Select(h => h["_step"]!.GetValue<long>()).ToList();
        Assert.Equal(steps.Order().Distinct(), steps);
        Assert.Equal(result.Training.LogHistory.Select(h => (long)h["step"]).Distinct().Order(), steps);
        var firstLog = run.History.First(h => h.ContainsKey("train/loss"));
        foreach (var key in new[] { "train/learning_rate", "train/grad_norm", "train/epoch", "train/global_step", "train/samples_per_second" })
        {
            Assert.True(firstLog.ContainsKey(key), key);
        }

        Assert.Contains(run.History, h => h.ContainsKey("eval/f1_macro") && h.ContainsKey("eval/loss"));
        Assert.Contains(run.History, h => h.ContainsKey("train/train_runtime"));

        // Summary: test metrics, the confusion matrix and the per-class table.
        Assert.Equal(result.Metrics.Test!.Macro.F1, run.Summary["test/f1_macro"]!.GetValue<double>(), 12);
        Assert.Equal(result.Metrics.Test.Accuracy, run.Summary["test/accuracy"]!.GetValue<double>(), 12);
        var matrix = run.Summary["test/confusion_matrix"]!;
        Assert.Equal(result.Metrics.Labels, matrix["labels"]!.AsArray().Select(l => l!.GetValue<string>()));
        Assert.Equal(result.Metrics.Test.NumSamples, matrix["counts"]!.AsArray().SelectMany(r => r!.AsArray()).Sum(c => c!.GetValue<int>()));
        Assert.Equal(3, run.Summary["test/per_class"]!.AsArray().Count);
        Assert.Contains(run.Output, l => l.Contains(" eval step ", StringComparison.Ordinal) && l.Contains("eval_f1_macro=", StringComparison.Ordinal));

        // Authentication is api:<key> basic auth; the key is in no body, no log line and no file of the run.
        Assert.All(server.Requests, r => Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("api:" + TrackedTraining.WandbKey)), r.Authorization));
        Assert.DoesNotContain(server.Requests, r => r.Text.Contains(TrackedTraining.WandbKey, StringComparison.Ordinal));
        Assert.DoesNotContain(outcome.Log, l => l.Contains(TrackedTraining.WandbKey, StringComparison.Ordinal));
        Assert.DoesNotContain(TrackedTraining.WandbKey, TrackedTraining.AllText(dir.Path), StringComparison.Ordinal);
        Assert.Contains(outcome.Log, l => l.StartsWith("wandb: run ", StringComparison.Ordinal) && l.Contains($"{FakeWandbServer.Entity}/bertft-tests/runs/{run.Name}", StringComparison.Ordinal));

        // The offline record: the TensorBoard files hold every scalar that was sent (history and summary).
        var tensorBoard = TensorBoardEvents.Scalars(Path.Combine(dir.Path, "out", "logs", "tensorboard"));
        var tags = tensorBoard.Select(s => (s.Tag, s.Step)).ToHashSet();
        foreach (var row in run.History)
        {
            foreach (var (key, _) in row.Where(kv => !kv.Key.StartsWith('_')))
            {
                Assert.Contains((key, row["_step"]!.GetValue<long>()), tags);
            }
        }

        foreach (var (key, value) in run.Summary.Where(kv => !kv.Key.StartsWith('_') && kv.Value is JsonValue))
        {
            Assert.Contains(tensorBoard, s => s.Tag == key);
        }
    }

    [Fact]
    public async Task A_resumed_run_continues_the_same_run_without_repeating_steps()
    {
        using var dir = new TempDirectory();
        TrackedTraining.WriteData(dir.Path);
        using var server = new FakeWandbServer(TrackedTraining.WandbKey);
        var yaml = Yaml(server, epochs: 3);

        // Stopped at step 8 (6 steps per epoch): checkpoint-6 is the last whole one, and step 8 already reached the service.
        var first = await TrackedTraining.RunAsync(dir.Path, yaml, Env, TrackedTraining.Fast(Env), cancelAtStep: 8);
        Assert.NotNull(first.Cancelled);
        var run = Assert.Single(server.Runs.Values);
        Assert.Equal([TrackingSession.CancelledExitCode], run.ExitCodes);
        var before = run.History.Count;
        Assert.True(run.History.Max(h => h["_step"]!.GetValue<long>()) >= 8);

        var second = await TrackedTraining.RunAsync(dir.Path, yaml, Env, TrackedTraining.Fast(Env), resume: "latest");

        Assert.Empty(server.Problems); // includes: the stream continued at the stored line count, no gap, no overwrite
        Assert.Same(run, Assert.Single(server.Runs.Values));
        Assert.Equal(2, run.Upserts);
        Assert.Equal([TrackingSession.CancelledExitCode, 0], run.ExitCodes);
        Assert.True(run.History.Count > before);
        var steps = run.History.Select(h => h["_step"]!.GetValue<long>()).ToList();
        Assert.Equal(steps.Distinct().Order(), steps);
        Assert.Equal(second.Result!.Training.LogHistory.Select(h => (long)h["step"]).Distinct().Order(), steps);
        Assert.Contains(second.Log, l => l.Contains($"tracking run {run.Name} with wandb (resumed)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_server_that_fails_then_recovers_loses_nothing_and_says_nothing()
    {
        using var dir = new TempDirectory();
        TrackedTraining.WriteData(dir.Path);
        using var server = new FakeWandbServer(TrackedTraining.WandbKey);
        server.FailNext(3);

        var outcome = await TrackedTraining.RunAsync(dir.Path, Yaml(server), Env, TrackedTraining.Fast(Env));

        Assert.Empty(server.Problems);
        Assert.Equal(3, server.Requests.Count(r => r.Path == "/graphql") - 1); // three 500s, then the upsert that worked
        var run = Assert.Single(server.Runs.Values);
        Assert.Equal([0], run.ExitCodes);
        Assert.Equal(outcome.Result!.Training.LogHistory.Select(h => (long)h["step"]).Distinct().Count(), run.History.Count);
        Assert.DoesNotContain(outcome.Log, l => l.Contains("BFT52", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_server_that_never_answers_costs_one_warning_and_a_bounded_wait()
    {
        using var dir = new TempDirectory();
        TrackedTraining.WriteData(dir.Path);
        using var server = new FakeWandbServer(TrackedTraining.WandbKey) { NeverAnswer = true };
        // Both tries (2 × 0.5 s) end well inside the end-of-run wait, however short the training: with 1 s tries and a 2 s
        // wait a fast run ended before the sender gave up, and the end-of-run wait (not a warning) reported it.
        var options = TrackedTraining.Fast(Env) with { RequestTimeout = TimeSpan.FromMilliseconds(500), MaxAttempts = 2, FinishTimeout = TimeSpan.FromSeconds(5) };

        var outcome = await TrackedTraining.RunAsync(dir.Path, Yaml(server), Env, options);

        Assert.NotNull(outcome.Result!.Metrics.Test);
        Assert.True(File.Exists(Path.Combine(dir.Path, "out", "model", "model.safetensors")));
        var warning = Assert.Single(outcome.Log, l => l.Contains("warning BFT52", StringComparison.Ordinal));
        Assert.Contains("config.yaml(", warning, StringComparison.Ordinal);
        Assert.Contains("BFT520", warning, StringComparison.Ordinal);
        var runId = outcome.Log.Single(l => l.StartsWith("tracking run ", StringComparison.Ordinal)).Split(' ')[2];
        Assert.Contains(outcome.Log, l => l.EndsWith($"wandb sync --sync-tensorboard --id {runId} --project bertft-tests {Path.Combine(dir.Path, "out", "logs")}", StringComparison.Ordinal));
        Assert.NotEmpty(TensorBoardEvents.Scalars(Path.Combine(dir.Path, "out", "logs", "tensorboard")));
        Assert.InRange(server.Requests.Count, 1, 2); // the start, tried twice; nothing is sent after giving up
    }

    [Fact]
    public async Task A_wrong_key_is_one_clear_warning_and_training_goes_on()
    {
        using var dir = new TempDirectory();
        TrackedTraining.WriteData(dir.Path);
        using var server = new FakeWandbServer("the-key-the-server-knows-0123456789abcdef");

        var outcome = await TrackedTraining.RunAsync(dir.Path, Yaml(server), Env, TrackedTraining.Fast(Env));

        Assert.NotNull(outcome.Result!.Metrics.Test);
        var warning = Assert.Single(outcome.Log, l => l.Contains("warning BFT52", StringComparison.Ordinal));
        Assert.Contains("BFT521", warning, StringComparison.Ordinal);
        Assert.Contains("401", warning, StringComparison.Ordinal);
        Assert.Single(server.Requests); // 401 is not retried
        Assert.Empty(server.Runs);
        Assert.DoesNotContain(outcome.Log, l => l.Contains(TrackedTraining.WandbKey, StringComparison.Ordinal));
        Assert.Contains(outcome.Log, l => l.Contains("to upload later", StringComparison.Ordinal));
    }
}
