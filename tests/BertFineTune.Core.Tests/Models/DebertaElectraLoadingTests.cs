using BertFineTune.Diagnostics;
using BertFineTune.Models;
using BertFineTune.Tests.Support;
using TorchSharp;
using static BertFineTune.Tests.Models.TensorAssert;

namespace BertFineTune.Tests.Models;

/// <summary>Loading DeBERTa-v3 and ELECTRA the way their Hub checkpoints come, and the model types we refuse.</summary>
public class DebertaElectraLoadingTests
{
    [Fact]
    public void A_deberta_pretraining_checkpoint_gets_a_fresh_pooler_and_classifier_and_skips_its_lm_heads()
    {
        var fixture = ModelFixture.Load("tiny-deberta-v3");
        using var dir = new TempDirectory();
        CheckpointEditing.Derive(fixture.ModelFolder, dir.Path, weights =>
        {
            // deberta-v3-base on the Hub: the encoder plus pre-training heads, no pooler and no classifier.
            var kept = weights.Where(kv => kv.Key.StartsWith("deberta.", StringComparison.Ordinal)).ToDictionary();
            kept["lm_predictions.lm_head.bias"] = torch.zeros(2001);
            kept["mask_predictions.classifier.weight"] = torch.zeros(1, 32);
            kept["deberta.embeddings.position_ids"] = torch.arange(64L).unsqueeze(0);
            return kept;
        });

        var (model, report) = AutoModelForSequenceClassification.FromPretrained(dir.Path, new ModelLoadOptions { Labels = ["a", "b"], Seed = 3 });
        using var _ = model;
        using var original = FixtureParityTests.Load(fixture, default);

        Assert.Equal(HeadSource.CreatedMissing, report.Head);
        Assert.Equal(["pooler.dense.weight", "pooler.dense.bias", "classifier.weight", "classifier.bias"], report.FreshParameters);
        Assert.Contains("lm_predictions.lm_head.bias", report.IgnoredKeys);
        Assert.Contains("mask_predictions.classifier.weight", report.IgnoredKeys);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        Assert.True(Same(model.ForwardHidden(fixture.Batch()), original.ForwardHidden(fixture.Batch())));
    }

    [Fact]
    public void An_electra_discriminator_checkpoint_loads_its_encoder_and_skips_the_discriminator_head()
    {
        var fixture = ModelFixture.Load("tiny-electra");
        using var dir = new TempDirectory();
        CheckpointEditing.Derive(fixture.ModelFolder, dir.Path, weights =>
        {
            var kept = weights.Where(kv => kv.Key.StartsWith("electra.", StringComparison.Ordinal)).ToDictionary();
            kept["discriminator_predictions.dense.weight"] = torch.zeros(32, 32);
            kept["discriminator_predictions.dense_prediction.weight"] = torch.zeros(1, 32);
            return kept;
        });

        var (model, report) = AutoModelForSequenceClassification.FromPretrained(dir.Path, new ModelLoadOptions { Labels = ["a", "b"], Seed = 3 });
        using var _ = model;

        Assert.Equal(HeadSource.CreatedMissing, report.Head);
        Assert.Equal(["classifier.dense.weight", "classifier.dense.bias", "classifier.out_proj.weight", "classifier.out_proj.bias"], report.FreshParameters);
        Assert.Equal(2, report.IgnoredKeys.Count(k => k.StartsWith("discriminator_predictions.", StringComparison.Ordinal)));
    }

    [Fact]
    public void Deberta_v1_says_that_v1_is_not_supported()
    {
        using var dir = new TempDirectory();
        CheckpointEditing.Derive(ModelFixture.Load("tiny-deberta-v3").ModelFolder, dir.Path, w => w, c => c["model_type"] = "deberta");

        var error = Assert.Throws<UserErrorException>(() => AutoModelForSequenceClassification.FromPretrained(dir.Path, ModelLoadOptions.Default));

        var single = Assert.Single(error.Errors);
        Assert.Equal(ModelErrors.UnknownModelType, single.Code);
        Assert.Equal("model_type", single.Key);
        Assert.Contains("DeBERTa v1", single.Message);
        Assert.Contains("deberta-v2", single.Message);
    }

    [Fact]
    public void An_unsupported_model_type_lists_every_supported_one()
    {
        using var dir = new TempDirectory();
        CheckpointEditing.Derive(ModelFixture.Load("tiny-bert").ModelFolder, dir.Path, w => w, c => c["model_type"] = "albert");

        var error = Assert.Throws<UserErrorException>(() => AutoModelForSequenceClassification.FromPretrained(dir.Path, ModelLoadOptions.Default));

        var message = Assert.Single(error.Errors).Message;
        foreach (var type in new[] { "bert", "distilbert", "roberta", "xlm-roberta", "modernbert", "electra", "deberta-v2" })
        {
            Assert.Contains(type, message);
        }
    }

    [Fact]
    public void Deberta_accepts_pos_att_type_as_the_pipe_string_real_v3_configs_use()
    {
        var fixture = ModelFixture.Load("tiny-deberta-v3");
        using var dir = new TempDirectory();
        CheckpointEditing.Derive(fixture.ModelFolder, dir.Path, w => w, c => c["pos_att_type"] = "p2c|c2p");

        var (model, _) = AutoModelForSequenceClassification.FromPretrained(dir.Path, ModelLoadOptions.Default);
        using var _m = model;
        using var original = FixtureParityTests.Load(fixture, default);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        Assert.True(Same(model.forward(fixture.Batch()), original.forward(fixture.Batch())));
    }
}
