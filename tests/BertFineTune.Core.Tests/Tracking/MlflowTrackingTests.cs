using System.Text;
using BertFineTune.Native;
using BertFineTune.Tests.Support;
using BertFineTune.Tracking;

namespace BertFineTune.Tests.Tracking;

/// <summary><c>report_to: [mlflow]</c> against an MLflow tracking server look-alike on loopback.</summary>
public class MlflowTrackingTests
{
    public MlflowTrackingTests() => TorchNativeLoader.EnsureLoaded();

    private static Dictionary<string, string> Env(FakeMlflowServer server) => new()
    {
        ["MLFLOW_TRACKING_URI"] = server.Endpoint.ToString(),
        ["MLFLOW_TRACKING_TOKEN"] = TrackedTraining.MlflowToken,
    };

    private static string Yaml(int epochs = 2) => TrackedTraining.Config("[jsonl, mlflow]", """
        mlflow:
          experiment_name: topics
          run_name: tiny-topics
        """, epochs);

    [Fact]
    public async Task A_run_logs_params_metrics_tags_status_and_artifacts()
    {
        using var dir = new TempDirectory();
        TrackedTraining.WriteData(dir.Path);
        using var server = new FakeMlflowServer(TrackedTraining.MlflowToken);
        var env = Env(server);

        var outcome = await TrackedTraining.RunAsync(dir.Path, Yaml(), env, TrackedTraining.Fast(env));

        Assert.Empty(server.Problems);
        var result = outcome.Result!;
        Assert.Equal("1", server.Experiments["topics"]);
        var run = Assert.Single(server.Runs.Values);
        Assert.Equal("tiny-topics", run.Name);
        Assert.Equal(["FINISHED"], run.Statuses);
        Assert.Equal(RepoPaths.Fixture("tiny-bert").Replace('\\', '/') + "/model", run.Tags["bertft.model_id"]);
        Assert.Equal(8, run.Tags["bertft.run_id"].Length);
        Assert.True(run.Tags.ContainsKey("bertft.version"));

        // Params: the flattened config, secrets masked.
        Assert.Equal("0.001", run.Params["hyperparameters.learning_rate"]);
        Assert.Equal("out", run.Params["training.output_dir"]);
        Assert.True(run.Params.Count > 50, $"{run.Params.Count} params");

        // Metrics: every Trainer value once per step, then the test metrics at the last step.
        var loss = run.Metrics.Where(m => m.Key == "train/loss").Select(m => m.Step).ToList();
        Assert.Equal(result.Training.LogHistory.Where(h => h.ContainsKey("loss")).Select(h => (long)h["step"]), loss);
        Assert.Equal(run.Metrics.Count, run.Metrics.Select(m => (m.Key, m.Step)).Distinct().Count());
        Assert.Contains(run.Metrics, m => m.Key == "eval/f1_macro");
        Assert.Contains(run.Metrics, m => m.Key == "train/samples_per_second");
        Assert.Equal(result.Metrics.Test!.Macro.F1, run.Metrics.Single(m => m.Key == "test/f1_macro").Value, 12);

        // Artifacts through the proxy: the model folder, metrics.json, report.html and the tables.
        var modelFiles = Directory.GetFiles(Path.Combine(dir.Path, "out", "model")).Select(f => "model/" + Path.GetFileName(f)).Order();
        Assert.Equal(modelFiles, run.Artifacts.Keys.Where(k => k.StartsWith("model/", StringComparison.Ordinal)).Order());
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir.Path, "out", "metrics.json")), run.Artifacts["metrics.json"]);
        Assert.True(run.Artifacts.ContainsKey("report.html"));
        Assert.Contains("\"counts\"", Encoding.UTF8.GetString(run.Artifacts["tables/test_confusion_matrix.json"]), StringComparison.Ordinal);

        // Bearer auth from MLFLOW_TRACKING_TOKEN; the token is in no body and no log line.
        Assert.All(server.Requests, r => Assert.Equal("Bearer " + TrackedTraining.MlflowToken, r.Authorization));
        Assert.DoesNotContain(server.Requests, r => r.Text.Contains(TrackedTraining.MlflowToken, StringComparison.Ordinal));
        Assert.DoesNotContain(outcome.Log, l => l.Contains(TrackedTraining.MlflowToken, StringComparison.Ordinal));
        Assert.Contains(outcome.Log, l => l.StartsWith("mlflow: run ", StringComparison.Ordinal) && l.Contains(run.Id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_resumed_run_finds_its_run_by_tag_and_logs_no_step_twice()
    {
        using var dir = new TempDirectory();
        TrackedTraining.WriteData(dir.Path);
        using var server = new FakeMlflowServer(TrackedTraining.MlflowToken);
        var env = Env(server);

        var first = await TrackedTraining.RunAsync(dir.Path, Yaml(epochs: 3), env, TrackedTraining.Fast(env), cancelAtStep: 8);
        Assert.NotNull(first.Cancelled);
        var run = Assert.Single(server.Runs.Values);
        Assert.Equal(["KILLED"], run.Statuses);

        var second = await TrackedTraining.RunAsync(dir.Path, Yaml(epochs: 3), env, TrackedTraining.Fast(env), resume: "latest");

        Assert.Empty(server.Problems);
        Assert.Same(run, Assert.Single(server.Runs.Values));
        Assert.Equal(["KILLED", "RUNNING", "FINISHED"], run.Statuses);
        Assert.Equal(run.Metrics.Count, run.Metrics.Select(m => (m.Key, m.Step)).Distinct().Count());
        Assert.Equal(
            second.Result!.Training.LogHistory.Where(h => h.ContainsKey("loss")).Select(h => (long)h["step"]),
            run.Metrics.Where(m => m.Key == "train/loss").Select(m => m.Step));
    }

    [Fact]
    public async Task A_wrong_token_is_one_warning_and_a_server_error_is_retried()
    {
        using var dir = new TempDirectory();
        TrackedTraining.WriteData(dir.Path);
        using var server = new FakeMlflowServer("the-token-the-server-knows");
        var env = Env(server);

        var rejected = await TrackedTraining.RunAsync(dir.Path, Yaml(), env, TrackedTraining.Fast(env));

        Assert.NotNull(rejected.Result!.Metrics.Test);
        var warning = Assert.Single(rejected.Log, l => l.Contains("warning BFT52", StringComparison.Ordinal));
        Assert.Contains("BFT521", warning, StringComparison.Ordinal);
        Assert.Single(server.Requests);
        Assert.Empty(server.Runs);

        // A new run in its own folder: training twice into one output_dir is refused without --overwrite (BFT320).
        using var again = new TempDirectory();
        TrackedTraining.WriteData(again.Path);
        using var flaky = new FakeMlflowServer(TrackedTraining.MlflowToken);
        flaky.FailStatus = 503;
        flaky.FailNext(2);
        var env2 = Env(flaky);
        var recovered = await TrackedTraining.RunAsync(again.Path, Yaml(), env2, TrackedTraining.Fast(env2));

        Assert.Empty(flaky.Problems);
        Assert.DoesNotContain(recovered.Log, l => l.Contains("BFT52", StringComparison.Ordinal));
        Assert.Equal(["FINISHED"], Assert.Single(flaky.Runs.Values).Statuses);
    }

    [Fact]
    public async Task An_unreachable_server_warns_once_and_says_how_to_upload_later()
    {
        using var dir = new TempDirectory();
        TrackedTraining.WriteData(dir.Path);
        var env = new Dictionary<string, string> { ["MLFLOW_TRACKING_URI"] = "http://127.0.0.1:9/" }; // the discard port: refused
        var options = TrackedTraining.Fast(env) with { MaxAttempts = 2 };

        var outcome = await TrackedTraining.RunAsync(dir.Path, Yaml(), env, options);

        Assert.NotNull(outcome.Result!.Metrics.Test);
        Assert.Single(outcome.Log, l => l.Contains("warning BFT520", StringComparison.Ordinal));
        Assert.Contains(outcome.Log, l => l.Contains("mlflow artifacts log-artifacts --local-dir", StringComparison.Ordinal));
    }
}
