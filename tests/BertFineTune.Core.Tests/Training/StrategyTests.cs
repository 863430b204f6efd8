using BertFineTune.Config;
using BertFineTune.Native;
using BertFineTune.Tests.Support;
using BertFineTune.Tests.Training.Support;
using BertFineTune.Training;
using BertFineTune.Training.Checkpoints;

namespace BertFineTune.Tests.Training;

public class StrategyTests
{
    public StrategyTests() => TorchNativeLoader.EnsureLoaded();

    [Fact]
    public async Task Rotation_with_limit_1_keeps_the_best_and_the_last_checkpoint()
    {
        using var dir = new TempDirectory();
        var options = TrainerHarness.Options(dir.Path) with
        {
            Epochs = 1,
            EvalStrategy = IntervalStrategy.Steps,
            EvalSteps = 2,
            SaveStrategy = IntervalStrategy.Steps,
            SaveSteps = 2,
            SaveTotalLimit = 1,
            LoadBestModelAtEnd = true,
            MetricForBestModel = "score",
        };

        // 80 examples / 8 = 10 steps, evaluations at 2, 4, 6, 8, 10; the one at step 4 is best.
        var (result, _) = await TrainerHarness.Train(options, SyntheticTask.SingleLabel(80, 1), SyntheticTask.SingleLabel(10, 2), TrainerHarness.Scripted(0.5, 0.9, 0.2, 0.3, 0.1));

        var left = CheckpointFolders.Sorted(dir.Path).Select(Path.GetFileName).ToList();
        Assert.Equal(["checkpoint-4", "checkpoint-10"], left);
        Assert.Equal(Path.Combine(dir.Path, "checkpoint-4"), result.BestModelCheckpoint);
        Assert.Equal(0.9, result.BestMetric);
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(dir.Path, "checkpoint-4", "model.safetensors")),
            File.ReadAllBytes(Path.Combine(result.ModelDirectory, "model.safetensors")));
    }

    [Fact]
    public void Rotation_follows_hf_order_with_the_best_moved_next_to_last()
    {
        using var dir = new TempDirectory();
        foreach (var step in new[] { 10, 20, 30, 40, 50 })
        {
            var ckpt = Directory.CreateDirectory(Path.Combine(dir.Path, $"checkpoint-{step}")).FullName;
            File.WriteAllText(Path.Combine(ckpt, CheckpointFiles.TrainerState), "{}");
        }

        Directory.CreateDirectory(Path.Combine(dir.Path, "checkpoint-60")); // incomplete: no trainer_state.json
        var deleted = CheckpointFolders.Rotate(dir.Path, 2, Path.Combine(dir.Path, "checkpoint-20"));

        Assert.Equal(["checkpoint-10", "checkpoint-30", "checkpoint-40"], deleted.Select(Path.GetFileName));
        Assert.Equal(["checkpoint-20", "checkpoint-50"], CheckpointFolders.Sorted(dir.Path).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData(0.0, new[] { 0.5, 0.6, 0.6, 0.6, 0.9 }, 8)] // no gain at evals 3 and 4 → stop at step 4·2
    [InlineData(0.05, new[] { 0.5, 0.52, 0.54, 0.9 }, 6)] // gains below the threshold count as none
    public async Task Early_stopping_fires_at_the_hf_step(double threshold, double[] scores, long expectedStep)
    {
        using var dir = new TempDirectory();
        var options = TrainerHarness.Options(dir.Path) with
        {
            EvalStrategy = IntervalStrategy.Steps,
            EvalSteps = 2,
            MetricForBestModel = "eval_score",
            EarlyStoppingPatience = 2,
            EarlyStoppingThreshold = threshold,
            DataloaderNumWorkers = 2, // stopping mid-epoch must also stop the background batch producer
        };
        var (result, _) = await TrainerHarness.Train(options, SyntheticTask.SingleLabel(80, 1), SyntheticTask.SingleLabel(10, 2), TrainerHarness.Scripted(scores));

        Assert.True(result.StoppedEarly);
        Assert.Equal(expectedStep, result.GlobalStep);
        Assert.Equal(expectedStep / 2, result.LogHistory.Count(e => e.ContainsKey("eval_score")));
        var events = File.ReadAllText(Path.Combine(dir.Path, "logs", "events.jsonl"));
        Assert.Contains("\"event\":\"early_stop\"", events);
    }

    [Fact]
    public async Task Logging_and_eval_steps_and_epoch_strategies_fire_as_hf()
    {
        using var dir = new TempDirectory();
        var options = TrainerHarness.Options(dir.Path) with
        {
            Epochs = 2,
            LoggingSteps = 3,
            LoggingFirstStep = true,
            EvalStrategy = IntervalStrategy.Steps, // eval_steps defaults to logging_steps
            SaveStrategy = IntervalStrategy.Epoch,
        };

        // 80 / 8 = 10 steps per epoch, 20 in all.
        var (result, _) = await TrainerHarness.Train(options, SyntheticTask.SingleLabel(80, 1), SyntheticTask.SingleLabel(10, 2));

        Assert.Equal([1, 3, 6, 9, 12, 15, 18], result.LogHistory.Where(e => e.ContainsKey("loss")).Select(e => (int)e["step"]));
        Assert.Equal([3, 6, 9, 12, 15, 18], result.LogHistory.Where(e => e.ContainsKey("eval_loss")).Select(e => (int)e["step"]));
        Assert.Equal(["checkpoint-10", "checkpoint-20"], CheckpointFolders.Sorted(dir.Path).Select(Path.GetFileName));
        var log = result.LogHistory.First(e => e.ContainsKey("loss") && e["step"] == 6);
        Assert.Equal(0.6, log["epoch"], 12);
        Assert.Contains("grad_norm", log.Keys);

        // linear decay from 5e-2 over 20 steps, no warmup: after 6 steps the next lr is 5e-2 · 14/20.
        Assert.Equal(5e-2 * 14 / 20, log["learning_rate"], 12);
    }
}
