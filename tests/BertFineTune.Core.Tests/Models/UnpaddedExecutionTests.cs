using BertFineTune.Models;
using BertFineTune.Models.Layers;
using BertFineTune.Native;
using BertFineTune.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace BertFineTune.Tests.Models;

/// <summary>
/// The unpadded (packed) path against the padded path on every fixture: the same logits, hidden states at real positions,
/// loss and gradients; padded positions are never computed, so nothing can leak into them or out of them.
/// </summary>
public class UnpaddedExecutionTests(ITestOutputHelper output)
{
    public static TheoryData<string> Fixtures() => new(ModelFixture.Names);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Unpadded_and_padded_give_the_same_logits_hidden_states_loss_and_gradients(string name)
    {
        var fixture = ModelFixture.Load(name);
        using var padded = FixtureParityTests.Load(fixture, default, unpadded: false);
        using var unpadded = FixtureParityTests.Load(fixture, default, unpadded: true);
        using var scope = torch.NewDisposeScope();
        AssertUnpaddedMatchesPadded(name, padded, unpadded, fixture.Batch(), fixture.LabelTensor());
    }

    [Theory]
    [InlineData("tiny-bert")]
    [InlineData("tiny-electra")]
    public void Token_types_travel_with_their_tokens(string name)
    {
        // The fixture batches hold type 0 everywhere; a second segment (type 1 from column 5 on) must reach each packed
        // token at its own padded column, as the padded path sees it.
        var fixture = ModelFixture.Load(name);
        using var padded = FixtureParityTests.Load(fixture, default, unpadded: false);
        using var unpadded = FixtureParityTests.Load(fixture, default, unpadded: true);
        Assert.True(padded.UsesTokenTypeIds);
        using var scope = torch.NewDisposeScope();
        var batch = fixture.Batch();
        var segments = torch.arange(batch.InputIds.shape[1]).ge(5).to(ScalarType.Int64).unsqueeze(0) * batch.AttentionMask;
        AssertUnpaddedMatchesPadded(name, padded, unpadded, batch with { TokenTypeIds = segments }, fixture.LabelTensor());
    }

    [Fact]
    public void A_deberta_v2_style_model_with_absolute_positions_token_types_embed_proj_and_own_position_projections_runs_unpadded()
    {
        // The v3 fixture has none of these (relative positions only, no token types, share_att_key); DeBERTa-v2 configs
        // do. Each new weight is drawn at random, so the packed path must get every position and type exactly right.
        var fixture = ModelFixture.Load("tiny-deberta-v3");
        using var dir = new TempDirectory();
        using var generator = new Generator(11);
        Tensor Random(params long[] shape) => torch.randn(shape, generator: generator) * 0.2f;
        CheckpointEditing.Derive(
            fixture.ModelFolder,
            dir.Path,
            weights =>
            {
                weights["deberta.embeddings.word_embeddings.weight"] = Random(2001, 16);
                weights["deberta.embeddings.position_embeddings.weight"] = Random(64, 16);
                weights["deberta.embeddings.token_type_embeddings.weight"] = Random(2, 16);
                weights["deberta.embeddings.embed_proj.weight"] = Random(32, 16);
                foreach (var layer in new[] { 0, 1 })
                {
                    foreach (var projection in new[] { "pos_key_proj", "pos_query_proj" })
                    {
                        weights[$"deberta.encoder.layer.{layer}.attention.self.{projection}.weight"] = Random(32, 32);
                        weights[$"deberta.encoder.layer.{layer}.attention.self.{projection}.bias"] = Random(32);
                    }
                }

                return weights;
            },
            config =>
            {
                config["position_biased_input"] = true;
                config["type_vocab_size"] = 2;
                config["embedding_size"] = 16;
                config["share_att_key"] = false;
            });

        SequenceClassificationModel Variant(bool unpadded)
        {
            var (model, report) = AutoModelForSequenceClassification.FromPretrained(dir.Path, ModelLoadOptions.Default);
            Assert.Empty(report.FreshParameters);
            Assert.True(model.SupportsUnpadded);
            model.Unpadded = unpadded;
            model.PackingThreshold = 1; // pack every padded batch, however little padding it has
            return model;
        }

        using var padded = Variant(unpadded: false);
        using var unpadded = Variant(unpadded: true);
        using var scope = torch.NewDisposeScope();
        var batch = fixture.Batch();
        var segments = torch.arange(batch.InputIds.shape[1]).ge(5).to(ScalarType.Int64).unsqueeze(0) * batch.AttentionMask;
        AssertUnpaddedMatchesPadded("deberta-v2 variant", padded, unpadded, batch with { TokenTypeIds = segments }, fixture.LabelTensor());
    }

    /// <summary>Trains one forward/backward on each model (same weights), then compares logits, loss, gradients and eval hidden states.</summary>
    private void AssertUnpaddedMatchesPadded(string name, SequenceClassificationModel padded, SequenceClassificationModel unpadded, ModelInputs batch, Tensor labels)
    {
        using (var packing = torch.NewDisposeScope())
        {
            Assert.NotNull(PackedSequences.TryCreate(batch.AttentionMask)); // the batch is padded, so this packs
        }

        var (paddedLogits, paddedLoss) = TrainForwardBackward(padded, batch, labels);
        var (unpaddedLogits, unpaddedLoss) = TrainForwardBackward(unpadded, batch, labels);

        double gradDiff = 0;
        foreach (var ((pname, a), (_, b)) in padded.named_parameters().Zip(unpadded.named_parameters()))
        {
            if (a.grad is null)
            {
                Assert.Null(b.grad);
                continue;
            }

            var diff = (a.grad - b.grad!).abs().max().item<float>();
            Assert.True(diff <= 1e-5, $"{pname}: gradients differ by {diff}");
            gradDiff = Math.Max(gradDiff, diff);
        }

        using var noGrad = torch.no_grad();
        padded.eval();
        unpadded.eval();
        var hiddenDiff = RealPositionDiff(padded.ForwardHidden(batch), unpadded.ForwardHidden(batch), batch.AttentionMask);
        var logitDiff = (paddedLogits - unpaddedLogits).abs().max().item<float>();
        output.WriteLine($"{name}: max|Δlogits| {logitDiff:E2}, max|Δhidden| {hiddenDiff:E2}, Δloss {Math.Abs(paddedLoss - unpaddedLoss):E2}, max|Δgrad| {gradDiff:E2}");
        Assert.True(logitDiff <= 1e-5, $"logits differ by {logitDiff}");
        Assert.True(hiddenDiff <= 1e-5, $"hidden states differ by {hiddenDiff}");
        Assert.True(Math.Abs(paddedLoss - unpaddedLoss) <= 1e-6);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Padded_positions_are_never_computed_so_poison_there_cannot_leak(string name)
    {
        // NaN in the pad token's embedding row: the padded path computes the pads and NaN spreads through attention
        // (0 · NaN); the unpadded path never touches them and must still give the reference numbers and clean gradients.
        var fixture = ModelFixture.Load(name);
        using var model = FixtureParityTests.Load(fixture, default, unpadded: true);
        using var scope = torch.NewDisposeScope();
        var batch = fixture.Batch();
        var padId = batch.InputIds.masked_select(batch.AttentionMask.eq(0)).unique().output.item<long>();
        var embeddings = model.named_parameters().Single(p => p.name.EndsWith("word_embeddings.weight", StringComparison.Ordinal) || p.name.EndsWith("tok_embeddings.weight", StringComparison.Ordinal)).parameter;
        using (torch.no_grad())
        {
            embeddings[padId].fill_(float.NaN);
        }

        model.train();
        var logits = model.forward(batch);
        nn.functional.cross_entropy(logits, fixture.LabelTensor()).backward();
        var diff = ModelFixture.MaxAbsDiff(logits, fixture.Matrix(fixture.Expected["eval"]!["logits"]!));
        Assert.True(diff <= 1e-4, $"unpadded logits with poisoned pads differ from transformers by {diff}");
        Assert.All(model.named_parameters(), p => Assert.True(p.parameter.grad is null || p.parameter.grad.isfinite().all().item<bool>(), $"{p.name} has a non-finite gradient"));
        Assert.Equal(0f, embeddings.grad![padId].abs().max().item<float>());

        model.Unpadded = false;
        using var noGrad = torch.no_grad();
        Assert.True(model.forward(batch).isnan().any().item<bool>(), "the padded path does compute the pads (the poison is real)");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Extra_padding_columns_change_nothing_unpadded(string name)
    {
        var fixture = ModelFixture.Load(name);
        using var model = FixtureParityTests.Load(fixture, default, unpadded: true);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var batch = fixture.Batch();
        var padId = batch.InputIds.masked_select(batch.AttentionMask.eq(0)).unique().output.item<long>();
        const int extra = 16;
        var wider = new ModelInputs(
            nn.functional.pad(batch.InputIds, [0, extra], value: padId),
            nn.functional.pad(batch.AttentionMask, [0, extra]),
            batch.TokenTypeIds is null ? null : nn.functional.pad(batch.TokenTypeIds, [0, extra]));

        var diff = (model.forward(batch) - model.forward(wider)).abs().max().item<float>();
        var reference = ModelFixture.MaxAbsDiff(model.forward(wider), fixture.Matrix(fixture.Expected["eval"]!["logits"]!));
        output.WriteLine($"{name}: +{extra} pad columns move logits by {diff:E2}; vs transformers {reference:E2}");
        Assert.True(diff <= 1e-6, $"extra padding moved the logits by {diff}");
        Assert.True(reference <= 1e-4);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void A_mask_with_holes_takes_the_re_padding_core_and_still_equals_the_padded_path(string name)
    {
        var fixture = ModelFixture.Load(name);
        using var padded = FixtureParityTests.Load(fixture, default, unpadded: false);
        using var unpadded = FixtureParityTests.Load(fixture, default, unpadded: true);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var batch = fixture.Batch();
        var mask = batch.AttentionMask.clone();
        mask[5, 3] = torch.tensor(0L); // a real token that no one may attend to
        var holed = new ModelInputs(batch.InputIds, mask, batch.TokenTypeIds);
        Assert.Null(PackedSequences.TryCreate(mask)!.PrefixLengths);
        padded.eval();
        unpadded.eval();

        var diff = (padded.forward(holed) - unpadded.forward(holed)).abs().max().item<float>();
        output.WriteLine($"{name}: mask with a hole, max|Δlogits| padded vs unpadded {diff:E2}");
        Assert.True(diff <= 1e-5, $"logits differ by {diff}");
    }

    [Fact]
    public void Packing_keeps_each_token_at_its_padded_column_and_refuses_left_padding()
    {
        TorchNativeLoader.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        var mask = torch.tensor(new long[] { 1, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0, 0 }, [3, 4]);

        var packing = PackedSequences.TryCreate(mask)!;

        Assert.Equal(6, packing.Tokens);
        Assert.Equal([0L, 1, 2, 4, 8, 9], packing.Indices.data<long>().ToArray());
        Assert.Equal([0L, 3, 4], packing.FirstTokens.data<long>().ToArray());
        var grid = torch.arange(12, dtype: ScalarType.Float32).view(3, 4, 1);
        var packed = packing.Pack(grid);
        Assert.Equal([0f, 1, 2, 4, 8, 9], packed.data<float>().ToArray());
        Assert.Equal([0f, 1, 2, 0, 4, 0, 0, 0, 8, 9, 0, 0], packing.Unpack(packed).data<float>().ToArray());
        Assert.Equal([0f, 4, 8], packing.FirstTokenStates(packed).data<float>().ToArray());
        Assert.Equal([3L, 1, 2], packing.PrefixLengths!); // right padding: attention can take one sequence at a time
        Assert.Null(PackedSequences.TryCreate(torch.tensor(new long[] { 1, 0, 1, 0, 1, 1, 1, 1 }, [2, 4]))!.PrefixLengths); // a hole: re-pad

        Assert.Null(PackedSequences.TryCreate(torch.ones(3, 4, dtype: ScalarType.Int64))); // nothing to skip
        Assert.Null(PackedSequences.TryCreate(torch.tensor(new long[] { 0, 1, 1, 1 }, [2, 2]))); // left padding: column 0 is a pad
    }

    [Fact]
    public void A_batch_with_little_padding_runs_padded_under_the_default_threshold()
    {
        TorchNativeLoader.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        var little = torch.tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0 }, [2, 6]); // 12 columns for 11 tokens: ratio 1.09
        var much = torch.tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0 }, [2, 6]); // 12 for 8: ratio 1.5

        Assert.Null(PackedSequences.TryCreate(little, SequenceClassificationModel.DefaultPackingThreshold));
        Assert.NotNull(PackedSequences.TryCreate(little)); // threshold 1: any padding packs
        Assert.NotNull(PackedSequences.TryCreate(much, SequenceClassificationModel.DefaultPackingThreshold));
    }

    private static (Tensor Logits, double Loss) TrainForwardBackward(SequenceClassificationModel model, ModelInputs batch, Tensor labels)
    {
        model.train();
        var logits = model.forward(batch);
        var loss = nn.functional.cross_entropy(logits, labels);
        loss.backward();
        return (logits.detach(), loss.item<float>());
    }

    private static double RealPositionDiff(Tensor a, Tensor b, Tensor attentionMask)
    {
        var real = attentionMask.ne(0).unsqueeze(-1);
        return (a - b).abs().masked_fill(real.logical_not(), 0).max().item<float>();
    }
}
