using BertFineTune.Config;
using BertFineTune.Models;
using BertFineTune.Tests.Models;
using BertFineTune.Tests.Support;
using BertFineTune.Text.Tokenization;
using BertFineTune.Training;
using Xunit.Abstractions;

namespace BertFineTune.Tests.Training;

/// <summary>
/// <see cref="TrainerOptions.Unpadded"/> through the real Trainer and Evaluator: a training step on a batch full of edge
/// cases (one-word texts, a text cut at exactly max_length, sentence pairs) and on a batch of one text gives the padded
/// path's loss, gradient norm, post-step evaluation logits and eval loss.
/// </summary>
public class UnpaddedTrainerTests(ITestOutputHelper output)
{
    public static TheoryData<string, int> Cases()
    {
        var cases = new TheoryData<string, int>();
        foreach (var name in ModelFixture.Names)
        {
            cases.Add(name, 8);
            cases.Add(name, 1);
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_trainer_step_and_evaluation_are_the_same_unpadded_and_padded(string name, int batchSize)
    {
        var fixture = ModelFixture.Load(name);
        var long60 = fixture.Rows[6]["text"]!.GetValue<string>();
        List<TrainingExample> examples =
        [
            TrainingExample.SingleLabel("yes", 0),
            TrainingExample.SingleLabel(long60, 1),
            TrainingExample.SingleLabel("no", 2),
            TrainingExample.SingleLabel("The cat sat.", 0, "It was on the mat, as cats are."),
            TrainingExample.SingleLabel("A much longer first sentence about the weather", 1, "Short."),
            TrainingExample.SingleLabel(fixture.Rows[1]["text"]!.GetValue<string>(), 2),
            TrainingExample.SingleLabel("ok", 1),
            TrainingExample.SingleLabel(long60, 0, "with a pair"),
        ];
        examples = examples.Take(batchSize == 1 ? 1 : examples.Count).ToList();
        const int maxLength = 16;
        var tokenizer = AutoTokenizer.FromDirectory(fixture.ModelFolder);
        Assert.Equal(maxLength, tokenizer.Encode(long60, null, maxLength).Length);

        var padded = await StepAsync(fixture, examples, batchSize, maxLength, unpadded: false);
        var unpadded = await StepAsync(fixture, examples, batchSize, maxLength, unpadded: true);

        output.WriteLine($"{name} batch {batchSize}: loss {unpadded.Loss} vs {padded.Loss}, grad norm {unpadded.GradNorm} vs {padded.GradNorm}, eval loss {unpadded.EvalLoss} vs {padded.EvalLoss}");
        Assert.True(Math.Abs(unpadded.Loss - padded.Loss) <= 1e-5);
        Assert.True(Math.Abs(unpadded.GradNorm - padded.GradNorm) <= 1e-5 * padded.GradNorm);
        Assert.True(Math.Abs(unpadded.EvalLoss - padded.EvalLoss) <= 1e-5);
        var logitDiff = unpadded.EvalLogits.Zip(padded.EvalLogits, (a, b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max()).Max();
        Assert.True(logitDiff <= 1e-4, $"post-step eval logits differ by {logitDiff}");
    }

    private static async Task<(double Loss, double GradNorm, double EvalLoss, float[][] EvalLogits)> StepAsync(
        ModelFixture fixture, List<TrainingExample> examples, int batchSize, int maxLength, bool unpadded)
    {
        var (model, _) = AutoModelForSequenceClassification.FromPretrained(fixture.ModelFolder, ModelLoadOptions.Default);
        model.PackingThreshold = 1; // pack every padded batch, however little padding it has
        using var owned = model;
        using var output = new TempDirectory();
        var trainer = new Trainer(model, AutoTokenizer.FromDirectory(fixture.ModelFolder), new TrainerOptions
        {
            OutputDir = output.Path,
            Epochs = 1,
            BatchSize = batchSize,
            LearningRate = 1e-3,
            LrSchedulerType = LrSchedulerType.Constant,
            MaxLength = maxLength,
            Optim = Optimizer.AdamwTorchFused,
            LoggingSteps = 1,
            SaveStrategy = IntervalStrategy.No,
            ReportTo = [],
            Unpadded = unpadded,
        });

        var result = await trainer.TrainAsync(examples.Take(batchSize).ToList());
        var log = Assert.Single(result.LogHistory, entry => entry.ContainsKey("grad_norm"));
        var evaluation = trainer.Evaluate(examples);
        Assert.Equal(unpadded, model.Unpadded);
        return (log["loss"], log["grad_norm"], evaluation.Metrics["eval_loss"], evaluation.Logits);
    }
}
