using BertFineTune.Native;
using BertFineTune.Tests.Support;
using BertFineTune.Tests.Training.Support;
using BertFineTune.Training;

namespace BertFineTune.Tests.Training;

public class ResumeTests
{
    public ResumeTests() => TorchNativeLoader.EnsureLoaded();

    [Theory]
    [InlineData(OptimizerKind.AdamWTorch, 1)]
    [InlineData(OptimizerKind.AdamWTorchFused, 2)]
    public async Task A_cancelled_then_resumed_run_equals_an_uninterrupted_one(OptimizerKind optim, int accumulation)
    {
        var train = SyntheticTask.SingleLabel(100, 11); // 13 batches: the last accumulation group of an epoch is partial
        var eval = SyntheticTask.SingleLabel(30, 12);
        TrainerOptions Options(string dir) => TrainerHarness.Options(dir) with
        {
            Optim = optim,
            GradientAccumulationSteps = accumulation,
            WarmupSteps = 3,
            EvalStrategy = IntervalStrategy.Steps,
            EvalSteps = 4,
            SaveStrategy = IntervalStrategy.Steps,
            SaveSteps = 4,
            MetricForBestModel = "accuracy",
        };

        using var uninterruptedDir = new TempDirectory();
        var (full, fullModel) = await TrainerHarness.Train(Options(uninterruptedDir.Path), train, eval);

        // Cancel during the step after checkpoint-8 (mid-epoch for both accumulation settings).
        using var dir = new TempDirectory();
        using var cancel = new CancellationTokenSource();
        var progress = new TrainerHarness.InlineProgress(p =>
        {
            if (p.GlobalStep == 9)
            {
                cancel.Cancel();
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TrainerHarness.Train(Options(dir.Path), train, eval, progress: progress, cancellationToken: cancel.Token));
        Assert.True(Directory.Exists(Path.Combine(dir.Path, "checkpoint-8")));
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "model")));
        Assert.Empty(Directory.GetDirectories(dir.Path, ".tmp-*"));

        var (resumed, resumedModel) = await TrainerHarness.Train(Options(dir.Path) with { ResumeFromCheckpoint = "latest" }, train, eval);

        Assert.Equal(full.GlobalStep, resumed.GlobalStep);
        TrainerHarness.AssertSameWeights(fullModel.Snapshot(), resumedModel.Snapshot(), 1e-6);
        var fullEvals = full.LogHistory.Where(e => e.ContainsKey("eval_loss")).Select(e => (e["step"], e["eval_loss"], e["eval_accuracy"])).ToList();
        var resumedEvals = resumed.LogHistory.Where(e => e.ContainsKey("eval_loss")).Select(e => (e["step"], e["eval_loss"], e["eval_accuracy"])).ToList();
        Assert.Equal(fullEvals, resumedEvals); // the history before the checkpoint came back from trainer_state.json
        Assert.Equal(full.BestMetric, resumed.BestMetric);
        Assert.Equal(Path.GetFileName(full.BestModelCheckpoint), Path.GetFileName(resumed.BestModelCheckpoint));
    }

    [Fact]
    public async Task Resuming_without_a_checkpoint_is_a_clear_user_error()
    {
        using var dir = new TempDirectory();
        var ex = await Assert.ThrowsAsync<Diagnostics.UserErrorException>(() =>
            TrainerHarness.Train(TrainerHarness.Options(dir.Path) with { ResumeFromCheckpoint = "latest" }, SyntheticTask.SingleLabel(16, 1)));
        Assert.Equal("BFT303", ex.Errors[0].Code);
        Assert.Contains("resume_from_checkpoint", ex.Errors[0].Key);
    }
}
