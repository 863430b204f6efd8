using BertFineTune.Config;
using BertFineTune.Models;
using BertFineTune.Native;
using BertFineTune.Tests.Support;
using BertFineTune.Tests.Training.Support;
using BertFineTune.Training;
using BertFineTune.Training.Optimization;
using TorchSharp;

namespace BertFineTune.Tests.Training;

public class OneStepTests
{
    public OneStepTests() => TorchNativeLoader.EnsureLoaded();

    /// <summary>
    /// The fixture recipe (README, train_step): CE loss, backward, clip_grad_norm_(1.0), AdamW lr 1e-3 / wd 0.01 with
    /// the HF decay groups. One Trainer step must equal those public building blocks run by hand.
    /// </summary>
    [Theory]
    [InlineData(Optimizer.AdamwTorch)]
    [InlineData(Optimizer.AdamwTorchFused)]
    public async Task One_trainer_step_equals_the_fixture_recipe_by_hand(Optimizer optim)
    {
        var batch = SyntheticTask.SingleLabel(8, 71);
        using var dir = new TempDirectory();
        var options = TrainerHarness.Options(dir.Path) with
        {
            Epochs = 1,
            LearningRate = 1e-3,
            WeightDecay = 0.01,
            MaxGradNorm = 1.0,
            LrSchedulerType = LrSchedulerType.Constant,
            Optim = optim,
            LoggingFirstStep = true,
        };
        var (result, trained) = await TrainerHarness.Train(options, batch);
        Assert.Equal(1, result.GlobalStep);

        var manual = SyntheticTask.Model();
        var tokenizer = SyntheticTask.Tokenizer();
        using var optimizer = AdamWOptimizer.Create(Optimizer.AdamwTorch, ParameterGroups.Build(manual.named_parameters(), 0.01));
        double preClipNorm;
        using (var scope = torch.NewDisposeScope())
        {
            var encoded = batch.Select(e => tokenizer.Encode(e.Text, null, 16)).ToList();
            var seq = encoded.Max(e => e.Length);
            var ids = encoded.SelectMany(e => e.InputIds.Select(x => (long)x).Concat(Enumerable.Repeat(0L, seq - e.Length))).ToArray();
            var mask = encoded.SelectMany(e => Enumerable.Repeat(1L, e.Length).Concat(Enumerable.Repeat(0L, seq - e.Length))).ToArray();
            var inputs = new ModelInputs(torch.tensor(ids, [8, seq]), torch.tensor(mask, [8, seq]));
            var labels = torch.tensor(batch.Select(e => (long)e.LabelId).ToArray());
            manual.train();
            torch.nn.functional.cross_entropy(manual.forward(inputs), labels).backward();
            preClipNorm = optimizer.ClipGradNorm(1.0);
            optimizer.Step(1e-3);
        }

        Assert.Equal(preClipNorm, result.LogHistory.Single(e => e.ContainsKey("grad_norm"))["grad_norm"], 1e-5 * preClipNorm);
        TrainerHarness.AssertSameWeights(manual.Snapshot(), trained.Snapshot(), 1e-6);
    }
}
