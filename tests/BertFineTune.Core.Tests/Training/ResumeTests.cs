using BertFineTune.Config;
using BertFineTune.Native;
using BertFineTune.Tests.Support;
using BertFineTune.Tests.Training.Support;
using BertFineTune.Training;

namespace BertFineTune.Tests.Training;

[Collection(BitForBitRunsCollection.Name)]
public class ResumeTests
{
    public ResumeTests() => TorchNativeLoader.EnsureLoaded();

    [Theory]
    [InlineData(Optimizer.AdamwTorch, 1)]
    [InlineData(Optimizer.AdamwTorchFused, 2)]
    public async Task A_cancelled_then_resumed_run_equals_an_uninterrupted_one(Optimizer optim, int accumulation)
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

        // train_loss is the mean over every step of the whole run, not over the steps after the resume.
        Assert.Equal(full.TrainingLoss, resumed.TrainingLoss, 1e-6);
        Assert.Equal(full.Metrics["train_loss"], resumed.Metrics["train_loss"], 1e-6);
        Assert.Equal(full.RunId.Length, resumed.RunId.Length);

        // events.jsonl: the resume is marked, the first attempt's lines for the redone steps are flagged superseded,
        // and the lines left are the uninterrupted run's, one per step and event.
        var events = ReadEvents(Path.Combine(dir.Path, "logs", "events.jsonl"));
        var resume = Assert.Single(events, e => e.Event == "resume");
        Assert.Equal(8, resume.Step);
        Assert.True(resume.SupersededLines > 0);
        Assert.Equal(resume.SupersededLines, events.Count(e => e.Superseded));
        Assert.All(events.Where(e => e.Superseded), e => Assert.True(e.Step > 8, $"{e.Event} at step {e.Step} flagged"));
        Assert.All(events, e => Assert.Equal(resumed.RunId, e.RunId));
        static IEnumerable<(string, long)> Kept(IEnumerable<LoggedEvent> lines) =>
            lines.Where(e => !e.Superseded && e.Event is "log" or "eval" or "save" or "train_end").Select(e => (e.Event, e.Step));
        Assert.Equal(Kept(ReadEvents(Path.Combine(uninterruptedDir.Path, "logs", "events.jsonl"))), Kept(events));
    }

    [Fact]
    public async Task A_fresh_run_refuses_a_folder_holding_another_runs_checkpoints_unless_told_to_overwrite()
    {
        var train = SyntheticTask.SingleLabel(48, 3);
        TrainerOptions Options(string dir) => TrainerHarness.Options(dir) with { Epochs = 2, SaveStrategy = IntervalStrategy.Epoch, SaveTotalLimit = 1 };
        using var dir = new TempDirectory();
        var (first, _) = await TrainerHarness.Train(Options(dir.Path), train);
        var firstCheckpoint = File.ReadAllBytes(Path.Combine(dir.Path, "checkpoint-12", "model.safetensors"));

        var refused = await Assert.ThrowsAsync<Diagnostics.UserErrorException>(() => TrainerHarness.Train(Options(dir.Path) with { Seed = 7 }, train));

        var error = Assert.Single(refused.Errors);
        Assert.Equal("BFT320", error.Code);
        Assert.Equal("training.output_dir", error.Key);
        Assert.Contains("checkpoint-12", error.Message, StringComparison.Ordinal);
        Assert.Contains("--resume", error.Message, StringComparison.Ordinal);
        Assert.Contains("--overwrite", error.Message, StringComparison.Ordinal);
        Assert.Equal(firstCheckpoint, File.ReadAllBytes(Path.Combine(dir.Path, "checkpoint-12", "model.safetensors")));

        var (second, _) = await TrainerHarness.Train(Options(dir.Path) with { Seed = 7, OverwriteOutputDir = true }, train);

        Assert.NotEqual(first.RunId, second.RunId);
        Assert.Equal(["checkpoint-12"], Directory.GetDirectories(dir.Path, "checkpoint-*").Select(Path.GetFileName));
        Assert.NotEqual(firstCheckpoint, File.ReadAllBytes(Path.Combine(dir.Path, "checkpoint-12", "model.safetensors")));
        Assert.Equal(second.RunId, BertFineTune.Training.Checkpoints.RunState.TryRead(Path.Combine(dir.Path, "checkpoint-12"))!.RunId);
        Assert.DoesNotContain(ReadEvents(Path.Combine(dir.Path, "logs", "events.jsonl")), e => e.RunId == first.RunId);

        var both = await Assert.ThrowsAsync<Diagnostics.UserErrorException>(() =>
            TrainerHarness.Train(Options(dir.Path) with { OverwriteOutputDir = true, ResumeFromCheckpoint = "latest" }, train));
        Assert.Equal("BFT320", both.Errors[0].Code);
    }

    [Fact]
    public void Rotation_prunes_only_the_runs_own_checkpoints_and_deletes_by_renaming_first()
    {
        using var dir = new TempDirectory();
        foreach (var (step, run) in new[] { (10, "old"), (20, "old"), (30, "old"), (5, "new"), (15, "new"), (25, "new") })
        {
            var checkpoint = Directory.CreateDirectory(Path.Combine(dir.Path, $"checkpoint-{step}")).FullName;
            File.WriteAllText(Path.Combine(checkpoint, BertFineTune.Training.Checkpoints.CheckpointFiles.TrainerState), "{}");
            new BertFineTune.Training.Checkpoints.RunState(run, 1.0, step).Write(checkpoint);
        }

        var deleted = BertFineTune.Training.Checkpoints.CheckpointFolders.Rotate(dir.Path, 1, null, d => BertFineTune.Training.Checkpoints.RunState.TryRead(d)?.RunId == "new");

        Assert.Equal(["checkpoint-5", "checkpoint-15"], deleted.Select(Path.GetFileName));
        Assert.Equal(["checkpoint-10", "checkpoint-20", "checkpoint-25", "checkpoint-30"], BertFineTune.Training.Checkpoints.CheckpointFolders.Sorted(dir.Path).Select(Path.GetFileName));
        Assert.Empty(Directory.GetDirectories(dir.Path, ".tmp-*"));

        // What a kill between the rename and the delete leaves: a temp name, which the next run removes.
        var leftover = Directory.CreateDirectory(Path.Combine(dir.Path, ".tmp-deleting-checkpoint-40-0123")).FullName;
        File.WriteAllText(Path.Combine(leftover, "model.safetensors"), "half");
        BertFineTune.Training.Checkpoints.AtomicDirectory.CleanLeftovers(dir.Path);
        Assert.False(Directory.Exists(leftover));
    }

    private sealed record LoggedEvent(string Event, long Step, string? RunId, bool Superseded, double SupersededLines);

    private static List<LoggedEvent> ReadEvents(string path) =>
        File.ReadLines(path).Select(line =>
        {
            using var e = System.Text.Json.JsonDocument.Parse(line);
            var root = e.RootElement;
            return new LoggedEvent(
                root.GetProperty("event").GetString()!,
                root.GetProperty("step").GetInt64(),
                root.TryGetProperty("run_id", out var id) ? id.GetString() : null,
                root.TryGetProperty("superseded", out var s) && s.GetBoolean(),
                root.TryGetProperty("superseded_lines", out var n) ? n.GetDouble() : 0);
        }).ToList();

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
