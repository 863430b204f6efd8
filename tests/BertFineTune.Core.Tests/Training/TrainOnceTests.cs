using BertFineTune.Config;
using BertFineTune.Native;
using BertFineTune.Tests.Support;
using BertFineTune.Tests.Training.Support;
using BertFineTune.Text.Tokenization;
using BertFineTune.Training;

namespace BertFineTune.Tests.Training;

/// <summary><c>train</c> does each piece of work once: one tokenization per text, no second validation pass on the same weights.</summary>
public class TrainOnceTests
{
    public TrainOnceTests() => TorchNativeLoader.EnsureLoaded();

    [Fact]
    public void A_truncated_encoding_knows_its_untruncated_length()
    {
        var tokenizer = AutoTokenizer.FromDirectory(Path.Combine(RepoPaths.Fixtures, "tiny-bert", "model"));
        const string Text = "the quick brown fox jumps over the lazy dog and keeps running far beyond any max length";

        var full = tokenizer.Encode(Text);
        var cut = tokenizer.Encode(Text, maxLength: 8);
        var pair = tokenizer.Encode(Text, "a second segment", maxLength: 8);

        Assert.Equal(8, cut.Length);
        Assert.Equal(full.Length, cut.UntruncatedLength);
        Assert.Equal(full.Length, full.UntruncatedLength);
        Assert.Equal(tokenizer.Encode(Text, "a second segment").Length, pair.UntruncatedLength);
    }

    [Fact]
    public async Task Lengths_training_and_evaluation_share_one_tokenization_per_text()
    {
        using var dir = new TempDirectory();
        var tokenizer = new CountingTokenizer(SyntheticTask.Tokenizer());
        var options = TrainerHarness.Options(dir.Path) with { Epochs = 2, MaxLength = 4, EvalStrategy = IntervalStrategy.Epoch };
        var trainer = new Trainer(SyntheticTask.Model(), tokenizer, options, SyntheticTask.Accuracy);
        var train = SyntheticTask.SingleLabel(48, 1);
        var eval = SyntheticTask.SingleLabel(16, 2);

        var lengths = trainer.UntruncatedTokenLengths(train);
        await trainer.TrainAsync(train, eval);
        trainer.Evaluate(train, "train");
        trainer.Evaluate(eval, "eval");

        // Untruncated: the synthetic texts are longer than max_length 4, and the lengths say so.
        Assert.Equal(train.Select(e => e.Text.Split(' ').Length + 2), lengths);
        Assert.Contains(lengths, n => n > options.MaxLength);
        Assert.Equal(train.Count + eval.Count, tokenizer.Calls);
    }

    [Fact]
    public async Task The_last_evaluation_is_the_final_validation_when_it_ran_on_the_final_weights()
    {
        using var dir = new TempDirectory();
        var options = TrainerHarness.Options(dir.Path) with { Epochs = 2, EvalStrategy = IntervalStrategy.Epoch };
        var model = SyntheticTask.Model();
        var trainer = new Trainer(model, SyntheticTask.Tokenizer(), options, SyntheticTask.Accuracy);
        var eval = SyntheticTask.SingleLabel(20, 2);

        var result = await trainer.TrainAsync(SyntheticTask.SingleLabel(48, 1), eval);
        var again = trainer.Evaluate(eval, "eval");

        var reused = Assert.IsType<EvaluationOutput>(result.FinalValidation);
        Assert.Equal(again.Logits, reused.Logits);
        Assert.Equal(again.Metrics["eval_loss"], reused.Metrics["eval_loss"]);
        Assert.Equal(again.Metrics["eval_accuracy"], reused.Metrics["eval_accuracy"]);
    }

    [Fact]
    public async Task No_final_validation_when_the_best_checkpoint_is_older_than_the_last_evaluation()
    {
        using var dir = new TempDirectory();
        var options = TrainerHarness.Options(dir.Path) with
        {
            Epochs = 3,
            EvalStrategy = IntervalStrategy.Epoch,
            SaveStrategy = IntervalStrategy.Epoch,
            LoadBestModelAtEnd = true,
            MetricForBestModel = "score",
        };

        // 48 / 8 = 6 steps an epoch; the first evaluation (step 6) scores best, the last one ran at step 18.
        var (result, _) = await TrainerHarness.Train(options, SyntheticTask.SingleLabel(48, 1), SyntheticTask.SingleLabel(20, 2), TrainerHarness.Scripted(0.9, 0.2, 0.1));

        Assert.EndsWith("checkpoint-6", result.BestModelCheckpoint);
        Assert.Null(result.FinalValidation);
    }

    [Fact]
    public async Task With_class_weights_the_reused_validation_reports_the_plain_loss_as_a_fresh_evaluation_does()
    {
        using var dir = new TempDirectory();
        var options = TrainerHarness.Options(dir.Path) with { Epochs = 1, EvalStrategy = IntervalStrategy.Epoch, ClassWeights = ClassWeighting.Balanced };
        var trainer = new Trainer(SyntheticTask.Model(), SyntheticTask.Tokenizer(), options, SyntheticTask.Accuracy);
        var eval = SyntheticTask.SingleLabel(20, 2);

        // Skewed classes, so the balanced weights change the loss.
        var result = await trainer.TrainAsync(SyntheticTask.SingleLabel(48, 1, classShares: [4, 1, 1]), eval);
        var again = trainer.Evaluate(eval, "eval");

        var reused = Assert.IsType<EvaluationOutput>(result.FinalValidation);
        var duringTraining = result.LogHistory.Last(e => e.ContainsKey("eval_loss"))["eval_loss"];
        Assert.NotEqual(duringTraining, reused.Metrics["eval_loss"]);
        Assert.Equal(again.Metrics["eval_loss"], reused.Metrics["eval_loss"]);
        Assert.Equal(again.Logits, reused.Logits);
    }

    /// <summary>Counts <see cref="Encode"/> calls (from any thread) and reports the untruncated length as SegmentTokenizer does.</summary>
    private sealed class CountingTokenizer(ITextTokenizer inner) : ITextTokenizer
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public int PadTokenId => inner.PadTokenId;

        public bool ReturnsTokenTypeIds => inner.ReturnsTokenTypeIds;

        public TokenizedText Encode(string text, string? textPair = null, int? maxLength = null)
        {
            Interlocked.Increment(ref _calls);
            return inner.Encode(text, textPair, maxLength) with { UntruncatedLength = inner.Encode(text, textPair).Length };
        }

        public void Save(string directory) => inner.Save(directory);
    }
}
