using BertFineTune.Models;
using BertFineTune.Native;
using BertFineTune.Pipelines;
using BertFineTune.Tests.Support;
using BertFineTune.Tests.Training.Support;
using BertFineTune.Text.Tokenization;
using BertFineTune.Training;

namespace BertFineTune.Tests.Training;

/// <summary>
/// <c>max_length</c> above the model's position embeddings is capped with a warning, as a tokenizer's
/// <c>model_max_length</c> caps it; before, such a batch indexed past the position table and the process died in LibTorch.
/// </summary>
public class MaxLengthCapTests
{
    public MaxLengthCapTests() => TorchNativeLoader.EnsureLoaded();

    [Fact]
    public async Task Long_emails_train_at_the_models_limit_with_one_warning_naming_the_key()
    {
        using var dir = new TempDirectory();
        var folder = Path.Combine(RepoPaths.Fixture("tiny-bert"), "model"); // 64 position embeddings
        var tokenizer = AutoTokenizer.FromDirectory(folder);
        var (model, _) = AutoModelForSequenceClassification.FromPretrained(folder, new ModelLoadOptions { Labels = ["ham", "spam"], Seed = 1 });
        using var owned = model;
        var input = await InputTable.ReadAsync(RepoPaths.Data("spamassassin", "spamassassin_a.csv"), "message", "category", TextReader.Null, CancellationToken.None);
        var train = input.Rows.Take(32).Select(r => new TrainingExample(r[input.TextColumn], r[input.LabelColumn!.Value] == "spam" ? 1 : 0)).ToList();
        var trainer = new Trainer(model, tokenizer, TrainerHarness.Options(dir.Path) with { Epochs = 1, MaxLength = 128 });

        var warning = Assert.Single(trainer.Warnings);
        Assert.Equal("BFT311", warning.Code);
        Assert.Equal("hyperparameters.max_length", warning.Key);
        Assert.Contains("limit of 64 tokens", warning.Message, StringComparison.Ordinal);
        Assert.Equal(64, trainer.MaxLength);
        Assert.Contains(trainer.UntruncatedTokenLengths(train), n => n > 128); // the e-mails do reach the asked length

        var result = await trainer.TrainAsync(train);

        Assert.True(double.IsFinite(result.TrainingLoss), $"training loss {result.TrainingLoss}");
        Assert.Contains(result.Warnings, w => w.Code == "BFT311");
    }

    [Fact]
    public void A_max_length_within_the_limit_warns_nothing()
    {
        using var dir = new TempDirectory();
        var trainer = new Trainer(SyntheticTask.Model(), SyntheticTask.Tokenizer(), TrainerHarness.Options(dir.Path) with { MaxLength = 512 });
        Assert.Empty(trainer.Warnings);
        Assert.Equal(512, trainer.MaxLength);
    }
}
