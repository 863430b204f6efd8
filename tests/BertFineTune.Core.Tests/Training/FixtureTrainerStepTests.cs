using BertFineTune.Config;
using BertFineTune.Models;
using BertFineTune.Tests.Models;
using BertFineTune.Tests.Support;
using BertFineTune.Text.Tokenization;
using BertFineTune.Training;
using TorchSharp;

namespace BertFineTune.Tests.Training;

/// <summary>
/// Issue 5's one-step parity through the whole product path: the fixture's tokenizer files, the real architecture,
/// our Trainer (collation, CE loss, clipping at 1.0, AdamW lr 1e-3 / wd 0.01 with HF's decay rule, dropout 0) — one
/// optimizer step over the fixture batch must give transformers' pre-clip gradient norm and post-step logits.
/// </summary>
public class FixtureTrainerStepTests
{
    public static TheoryData<string, Optimizer, bool> Cases()
    {
        var cases = new TheoryData<string, Optimizer, bool>();
        foreach (var name in ModelFixture.Names)
        {
            cases.Add(name, Optimizer.AdamwTorch, true);
            cases.Add(name, Optimizer.AdamwTorchFused, true);
            cases.Add(name, Optimizer.AdamwTorchFused, false);
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task One_trainer_step_reproduces_the_transformers_step(string name, Optimizer optimizer, bool unpadded)
    {
        var fixture = ModelFixture.Load(name);
        var step = fixture.Expected["train_step"]!;
        var tokenizer = AutoTokenizer.FromDirectory(fixture.ModelFolder);
        var (model, _) = AutoModelForSequenceClassification.FromPretrained(fixture.ModelFolder, ModelLoadOptions.Default);
        model.PackingThreshold = 1; // pack every padded batch, however little padding it has
        using var owned = model;
        var examples = fixture.Rows.Select((row, i) => TrainingExample.SingleLabel(
            row["text"]!.GetValue<string>(), (int)fixture.Labels[i], row["text_pair"]?.GetValue<string>())).ToList();
        using var output = new TempDirectory();
        var trainer = new Trainer(model, tokenizer, new TrainerOptions
        {
            OutputDir = output.Path,
            Epochs = 1,
            BatchSize = examples.Count,
            LearningRate = 1e-3,
            WeightDecay = 0.01,
            LrSchedulerType = LrSchedulerType.Constant,
            MaxGradNorm = 1.0,
            MaxLength = 24,
            Optim = optimizer,
            Unpadded = unpadded,
            LoggingSteps = 1,
            SaveStrategy = IntervalStrategy.No,
            ReportTo = [],
        });

        var result = await trainer.TrainAsync(examples);

        Assert.Equal(1, result.GlobalStep);
        var log = Assert.Single(result.LogHistory, entry => entry.ContainsKey("grad_norm"));
        var expectedNorm = step["pre_clip_grad_norm"]!.GetValue<double>();
        Assert.True(Math.Abs(log["grad_norm"] - expectedNorm) <= 1e-4 * expectedNorm, $"grad norm {log["grad_norm"]} vs {expectedNorm}");
        Assert.True(Math.Abs(log["loss"] - step["train_loss_before_step"]!.GetValue<double>()) <= 1e-5, $"loss {log["loss"]}");

        Assert.Equal(unpadded, model.Unpadded);
        model.eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var diff = ModelFixture.MaxAbsDiff(model.forward(fixture.Batch()), fixture.Matrix(step["logits_after_step"]!));
        Assert.True(diff <= 1e-4, $"post-step logits differ by {diff}");
    }
}
