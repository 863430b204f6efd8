using System.Text.Json;
using BertFineTune.Config;
using BertFineTune.Native;
using BertFineTune.Tests.Support;
using BertFineTune.Tests.Training.Support;
using BertFineTune.Training;

namespace BertFineTune.Tests.Training;

[Collection(BitForBitRunsCollection.Name)]
public class TrainerEndToEndTests
{
    public TrainerEndToEndTests() => TorchNativeLoader.EnsureLoaded();

    [Fact]
    public async Task Learns_the_keyword_task_and_writes_model_logs_and_checkpoints()
    {
        using var dir = new TempDirectory();
        var options = TrainerHarness.Options(dir.Path) with
        {
            EvalStrategy = IntervalStrategy.Epoch,
            SaveStrategy = IntervalStrategy.Epoch,
            LoadBestModelAtEnd = true,
            MetricForBestModel = "accuracy",
            ReportTo = [ReportSink.Jsonl, ReportSink.Tensorboard],
        };
        var (result, model) = await TrainerHarness.Train(options, SyntheticTask.SingleLabel(240, 1), SyntheticTask.SingleLabel(60, 2));

        // 240 examples / batch 8 = 30 steps per epoch.
        Assert.Equal(90, result.GlobalStep);
        Assert.Equal(3.0, result.Epoch);
        var evals = result.LogHistory.Where(e => e.ContainsKey("eval_accuracy")).ToList();
        Assert.Equal(3, evals.Count);
        Assert.True(evals[^1]["eval_accuracy"] >= 0.9, $"eval accuracy {evals[^1]["eval_accuracy"]}");
        Assert.Equal(evals.Max(e => e["eval_accuracy"]), result.BestMetric);
        Assert.Equal(18, result.LogHistory.Count(e => e.ContainsKey("loss"))); // every 5 steps
        Assert.True(result.LogHistory.First(e => e.ContainsKey("loss"))["loss"] > result.LogHistory.Last(e => e.ContainsKey("loss"))["loss"]);

        foreach (var step in new[] { 30, 60, 90 })
        {
            var ckpt = Path.Combine(dir.Path, $"checkpoint-{step}");
            foreach (var file in new[] { "config.json", "model.safetensors", "vocab.txt", "optimizer.safetensors", "optimizer.json", "scheduler.json", "rng_state.json", "trainer_state.json" })
            {
                Assert.True(File.Exists(Path.Combine(ckpt, file)), $"{ckpt}/{file}");
            }
        }

        using var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "checkpoint-90", "trainer_state.json")));
        Assert.Equal(90, state.RootElement.GetProperty("global_step").GetInt64());
        Assert.Equal(3.0, state.RootElement.GetProperty("epoch").GetDouble());
        Assert.Equal(JsonValueKind.Array, state.RootElement.GetProperty("log_history").ValueKind);
        Assert.Equal(result.BestModelCheckpoint, state.RootElement.GetProperty("best_model_checkpoint").GetString());

        Assert.True(File.Exists(Path.Combine(result.ModelDirectory, "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(result.ModelDirectory, "vocab.txt")));
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(result.BestModelCheckpoint!, "model.safetensors")),
            File.ReadAllBytes(Path.Combine(result.ModelDirectory, "model.safetensors")));

        var events = File.ReadAllLines(Path.Combine(dir.Path, "logs", "events.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("event").GetString()).ToList();
        Assert.Equal(18, events.Count(e => e == "log"));
        Assert.Equal(3, events.Count(e => e == "eval"));
        Assert.Equal(3, events.Count(e => e == "save"));
        Assert.Contains("train_end", events);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(dir.Path, "logs", "tensorboard"), "events.out.tfevents*", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetDirectories(dir.Path, ".tmp-*"));
    }

    [Fact]
    public async Task Same_seed_and_threads_give_identical_runs()
    {
        var train = SyntheticTask.SingleLabel(96, 3);
        var eval = SyntheticTask.SingleLabel(30, 4);
        async Task<(Dictionary<string, float[]>, IReadOnlyList<IReadOnlyDictionary<string, double>>)> Run()
        {
            using var dir = new TempDirectory();
            var options = TrainerHarness.Options(dir.Path) with { EvalStrategy = IntervalStrategy.Epoch, Threads = 2, DataloaderNumWorkers = 2, Optim = Optimizer.AdamwTorchFused };
            var (result, model) = await TrainerHarness.Train(options, train, eval);
            return (model.Snapshot(), result.LogHistory);
        }

        var (w1, h1) = await Run();
        var (w2, h2) = await Run();
        TrainerHarness.AssertSameWeights(w1, w2);
        var evals1 = h1.Where(e => e.ContainsKey("eval_loss")).Select(e => (e["eval_loss"], e["eval_accuracy"])).ToList();
        var evals2 = h2.Where(e => e.ContainsKey("eval_loss")).Select(e => (e["eval_loss"], e["eval_accuracy"])).ToList();
        Assert.Equal(evals1, evals2);
        Assert.Equal(h1.Where(e => e.ContainsKey("loss")).Select(e => e["loss"]), h2.Where(e => e.ContainsKey("loss")).Select(e => e["loss"]));
    }

    [Fact]
    public async Task Background_workers_and_group_by_length_change_nothing_but_order()
    {
        var train = SyntheticTask.SingleLabel(80, 5);
        async Task<Dictionary<string, float[]>> Run(int workers)
        {
            using var dir = new TempDirectory();
            var options = TrainerHarness.Options(dir.Path) with { DataloaderNumWorkers = workers, GroupByLength = true };
            return (await TrainerHarness.Train(options, train)).Model.Snapshot();
        }

        TrainerHarness.AssertSameWeights(await Run(0), await Run(3));
    }

    [Fact]
    public async Task Evaluate_returns_logits_in_input_order()
    {
        using var dir = new TempDirectory();
        var model = SyntheticTask.Model();
        var tokenizer = SyntheticTask.Tokenizer();
        var trainer = new Trainer(model, tokenizer, TrainerHarness.Options(dir.Path) with { EvalBatchSize = 4 }, SyntheticTask.Accuracy);
        var examples = SyntheticTask.SingleLabel(13, 9);
        var result = trainer.Evaluate(examples, "test");

        Assert.Contains("test_loss", result.Metrics.Keys);
        Assert.Contains("test_accuracy", result.Metrics.Keys);
        for (var i = 0; i < examples.Count; i++)
        {
            using var scope = TorchSharp.torch.NewDisposeScope();
            var ids = tokenizer.Encode(examples[i].Text, null, 16).InputIds.Select(x => (long)x).ToArray();
            var inputs = new BertFineTune.Models.ModelInputs(TorchSharp.torch.tensor(ids, [1, ids.Length]), TorchSharp.torch.ones([1, ids.Length], TorchSharp.torch.ScalarType.Int64));
            var single = model.forward(inputs).data<float>().ToArray();
            for (var c = 0; c < 3; c++)
            {
                Assert.True(Math.Abs(single[c] - result.Logits[i][c]) < 1e-5, $"example {i} label {c}: {single[c]} vs {result.Logits[i][c]}");
            }
        }
    }
}
