using System.Diagnostics;
using BertFineTune.Config;
using BertFineTune.Native;
using BertFineTune.Tests.Support;
using BertFineTune.Tests.Training.Support;
using BertFineTune.Training;
using Xunit.Abstractions;

namespace BertFineTune.Tests.Training;

/// <summary>Runs alone (after the parallel tests), so other tests' allocations do not show in this process's RSS.</summary>
[CollectionDefinition(nameof(MemoryTests), DisableParallelization = true)]
public class MemoryTestsCollection;

[Collection(nameof(MemoryTests))]
public class MemoryTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(Optimizer.AdamwTorch)]
    [InlineData(Optimizer.AdamwTorchFused)]
    public async Task Resident_memory_does_not_grow_between_epoch_1_and_epoch_3(Optimizer optim)
    {
        TorchNativeLoader.EnsureLoaded();
        using var dir = new TempDirectory();
        var rss = new Dictionary<int, long>();
        var progress = new TrainerHarness.InlineProgress(p =>
        {
            if (p.Kind == TrainingProgressKind.EpochEnd)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                using var self = Process.GetCurrentProcess();
                rss[(int)Math.Round(p.Epoch)] = self.WorkingSet64;
            }
        });
        var options = TrainerHarness.Options(dir.Path) with
        {
            Optim = optim,
            EvalStrategy = IntervalStrategy.Epoch,
            SaveStrategy = IntervalStrategy.Epoch,
            SaveTotalLimit = 1,
            DataloaderNumWorkers = 1,
            LoggingSteps = 50,
        };
        await TrainerHarness.Train(options, SyntheticTask.SingleLabel(1600, 51), SyntheticTask.SingleLabel(200, 52), progress: progress);

        var growthMb = (rss[3] - rss[1]) / (1024.0 * 1024.0);
        output.WriteLine($"{optim}: RSS after epoch 1 {rss[1] / 1048576.0:F1} MB, epoch 2 {rss[2] / 1048576.0:F1} MB, epoch 3 {rss[3] / 1048576.0:F1} MB, growth {growthMb:F1} MB");
        Assert.True(growthMb < 30, $"RSS grew {growthMb:F1} MB between epoch 1 and epoch 3");
    }
}
