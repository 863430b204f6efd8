using BertFineTune.Inference;
using BertFineTune.Models;
using BertFineTune.Text.Tokenization;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace BertFineTune.Tests.Models;

/// <summary>
/// Issue 10's edge cases on the unpadded path, each against the padded path on every fixture: one-token sequences, a
/// batch of one text, texts at exactly max_length, and sentence pairs (token types), through the model and through
/// <see cref="TextClassifier"/>'s tokenize-collate-forward path.
/// </summary>
public class UnpaddedEdgeCaseTests(ITestOutputHelper output)
{
    public static TheoryData<string> Fixtures() => new(ModelFixture.Names);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void A_batch_where_every_sequence_is_one_token(string name)
    {
        var fixture = ModelFixture.Load(name);
        var batch = fixture.Batch();
        using var scope = torch.NewDisposeScope();

        // Only column 0 is real in every row, padded to the fixture's 24 columns; then a mix of one-token and full rows.
        var onlyFirst = torch.zeros_like(batch.AttentionMask);
        onlyFirst[TensorIndex.Colon, 0] = torch.tensor(1L);
        AssertSameBothWays(fixture, WithMask(batch, onlyFirst, fixture), "every row one token");
        var mixed = batch.AttentionMask.clone();
        mixed[TensorIndex.Slice(0, null, 2)] = onlyFirst[TensorIndex.Slice(0, null, 2)];
        AssertSameBothWays(fixture, WithMask(batch, mixed, fixture), "one-token rows among longer ones");

        // One-word texts through the tokenizer: [CLS] word [SEP] (or <s> word </s>) for every text.
        AssertClassifierSameBothWays(fixture, ["yes", "no", "ok", "a"], null, maxLength: null);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void A_batch_of_one_text(string name)
    {
        var fixture = ModelFixture.Load(name);
        var texts = fixture.Rows.Select(r => r["text"]!.GetValue<string>()).ToArray();
        var alone = AssertClassifierSameBothWays(fixture, [texts[0]], null, maxLength: null);
        var together = AssertClassifierSameBothWays(fixture, texts, null, maxLength: null);
        Assert.True(MaxDiff(alone[0], together[0]) <= 1e-5, "a text alone and in a padded batch get the same logits");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Texts_at_exactly_max_length(string name)
    {
        var fixture = ModelFixture.Load(name);
        var tokenizer = AutoTokenizer.FromDirectory(fixture.ModelFolder);
        string[] texts = [.. fixture.Rows.Select(r => r["text"]!.GetValue<string>()), "Short one."];
        const int maxLength = 12;
        var lengths = texts.Select(t => tokenizer.Encode(t, null, maxLength).Length).ToArray();
        Assert.Contains(maxLength, lengths);
        Assert.Contains(lengths, l => l < maxLength); // so the batch is padded and packs
        AssertClassifierSameBothWays(fixture, texts, null, maxLength);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Sentence_pairs_with_token_types(string name)
    {
        var fixture = ModelFixture.Load(name);
        string[] first = ["The cat sat.", "A much longer first sentence about weather and rain in spring", "Hi"];
        string?[] second = ["It was on the mat.", "Short.", "A second segment that is longer than its first"];
        var tokenizer = AutoTokenizer.FromDirectory(fixture.ModelFolder);
        if (name == "tiny-bert")
        {
            Assert.Contains(1, tokenizer.Encode(first[0], second[0], 64).TokenTypeIds!); // BERT sees the second segment as type 1
        }

        AssertClassifierSameBothWays(fixture, first, second, maxLength: null);
    }

    private static ModelInputs WithMask(ModelInputs batch, Tensor mask, ModelFixture fixture)
    {
        var padId = batch.InputIds.masked_select(batch.AttentionMask.eq(0)).unique().output.item<long>();
        var ids = batch.InputIds.masked_fill(mask.eq(0), padId);
        return new ModelInputs(ids, mask, batch.TokenTypeIds?.masked_fill(mask.eq(0), 0));
    }

    private void AssertSameBothWays(ModelFixture fixture, ModelInputs inputs, string what)
    {
        using var padded = FixtureParityTests.Load(fixture, default, unpadded: false);
        using var unpadded = FixtureParityTests.Load(fixture, default, unpadded: true);
        using var noGrad = torch.no_grad();
        padded.eval();
        unpadded.eval();
        var diff = (padded.forward(inputs) - unpadded.forward(inputs)).abs().max().item<float>();
        output.WriteLine($"{fixture.Name}, {what}: max|Δlogits| {diff:E2}");
        Assert.True(diff <= 1e-5, $"{what}: unpadded differs from padded by {diff}");
    }

    private IReadOnlyList<float[]> AssertClassifierSameBothWays(ModelFixture fixture, string[] texts, string?[]? pairs, int? maxLength)
    {
        IReadOnlyList<float[]> Run(bool unpadded)
        {
            var (model, _) = AutoModelForSequenceClassification.FromPretrained(fixture.ModelFolder, ModelLoadOptions.Default);
            model.PackingThreshold = 1; // pack every padded batch, however little padding it has
            using var classifier = new TextClassifier(model, AutoTokenizer.FromDirectory(fixture.ModelFolder), new TextClassifierOptions { Unpadded = unpadded, MaxLength = maxLength, BatchSize = 64 });
            Assert.Equal(unpadded, model.Unpadded);
            return classifier.PredictLogits(texts, pairs, null);
        }

        var padded = Run(unpadded: false);
        var unpadded = Run(unpadded: true);
        var diff = padded.Zip(unpadded, MaxDiff).Max();
        output.WriteLine($"{fixture.Name}: {texts.Length} texts{(pairs is null ? string.Empty : " with pairs")}, max_length {maxLength?.ToString() ?? "model"}: max|Δlogits| {diff:E2}");
        Assert.True(diff <= 1e-5, $"unpadded differs from padded by {diff}");
        return unpadded;
    }

    private static double MaxDiff(float[] a, float[] b) => a.Zip(b, (x, y) => (double)Math.Abs(x - y)).Max();
}
