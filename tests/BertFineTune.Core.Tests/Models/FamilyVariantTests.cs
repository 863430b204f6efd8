using System.Text.Json.Nodes;
using BertFineTune.Models;
using BertFineTune.Tests.Support;
using TorchSharp;
using static BertFineTune.Tests.Models.TensorAssert;
using static TorchSharp.torch;

namespace BertFineTune.Tests.Models;

/// <summary>Config variants the fixtures do not cover directly: XLM-RoBERTa, sinusoidal DistilBERT, a ModernBERT MLM checkpoint.</summary>
public class FamilyVariantTests
{
    [Fact]
    public void Xlm_roberta_uses_the_roberta_architecture_and_saves_its_own_class_name()
    {
        var fixture = ModelFixture.Load("tiny-roberta");
        using var dir = new TempDirectory();
        using var saved = new TempDirectory();
        CheckpointEditing.Derive(fixture.ModelFolder, dir.Path, w => w, c => c["model_type"] = "xlm-roberta");

        var (model, report) = AutoModelForSequenceClassification.FromPretrained(dir.Path, ModelLoadOptions.Default);
        using var _ = model;
        using var original = FixtureParityTests.Load(fixture, default);
        model.SavePretrained(saved.Path);

        Assert.IsType<RobertaForSequenceClassification>(model);
        Assert.Equal("XLMRobertaForSequenceClassification", report.Architecture);
        Assert.Equal(64, model.MaxSequenceLength); // 66 positions − pad(1) − 1
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(saved.Path, "config.json")))!;
        Assert.Equal("xlm-roberta", config["model_type"]!.GetValue<string>());
        Assert.Equal("XLMRobertaForSequenceClassification", config["architectures"]![0]!.GetValue<string>());
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var batch = fixture.Batch();
        Assert.True(Same(model.forward(batch), original.forward(batch)));
    }

    [Fact]
    public void Hidden_act_gelu_new_is_the_tanh_approximation_and_an_unknown_one_is_a_config_error()
    {
        var fixture = ModelFixture.Load("tiny-bert");
        using var dir = new TempDirectory();
        CheckpointEditing.Derive(fixture.ModelFolder, dir.Path, w => w, c => c["hidden_act"] = "gelu_new");
        var (model, _) = AutoModelForSequenceClassification.FromPretrained(dir.Path, ModelLoadOptions.Default);
        using var _ = model;
        using (torch.NewDisposeScope())
        using (torch.no_grad())
        {
            // The fixtures README: tanh-GELU moves these logits by 1.9e-4–3.5e-4 from erf-GELU.
            var diff = ModelFixture.MaxAbsDiff(model.forward(fixture.Batch()), fixture.Matrix(fixture.Expected["eval"]!["logits"]!));
            Assert.InRange(diff, 1e-4, 1e-3);
        }

        using var bad = new TempDirectory();
        CheckpointEditing.Derive(fixture.ModelFolder, bad.Path, w => w, c => c["hidden_act"] = "mish");
        var error = Assert.Throws<BertFineTune.Diagnostics.UserErrorException>(() => AutoModelForSequenceClassification.FromPretrained(bad.Path, ModelLoadOptions.Default));
        Assert.Equal("hidden_act", error.Errors[0].Key);
        Assert.Contains("gelu_new", error.Errors[0].Message);
    }

    [Fact]
    public void Sinusoidal_DistilBert_positions_are_the_fixed_table_and_not_trained()
    {
        var fixture = ModelFixture.Load("tiny-distilbert");
        using var dir = new TempDirectory();
        using var table = DistilBertEmbeddings.SinusoidalTable(64, 32);
        CheckpointEditing.Derive(
            fixture.ModelFolder,
            dir.Path,
            w =>
            {
                w["distilbert.embeddings.position_embeddings.weight"] = table;
                return w;
            },
            c => c["sinusoidal_pos_embds"] = true);

        var (model, _) = AutoModelForSequenceClassification.FromPretrained(dir.Path, ModelLoadOptions.Default);
        using var __ = model;

        var positions = model.named_parameters().Single(p => p.name == "distilbert.embeddings.position_embeddings.weight").parameter;
        Assert.False(positions.requires_grad);
        Assert.Equal(Math.Sin(1.0), positions[1, 0].item<float>(), 6);
        Assert.Equal(Math.Cos(1.0), positions[1, 1].item<float>(), 6);
        Assert.Equal(Math.Sin(5 / Math.Pow(10000, 2.0 / 32)), positions[5, 2].item<float>(), 6);
        Assert.Equal(Math.Cos(5 / Math.Pow(10000, 30.0 / 32)), positions[5, 31].item<float>(), 6);
        model.train();
        using var scope = torch.NewDisposeScope();
        nn.functional.cross_entropy(model.forward(fixture.Batch()), fixture.LabelTensor()).backward();
        Assert.Null(positions.grad);
    }

    [Fact]
    public void A_ModernBert_masked_lm_checkpoint_keeps_its_head_and_gets_a_fresh_classifier()
    {
        var fixture = ModelFixture.Load("tiny-modernbert");
        using var dir = new TempDirectory();
        using var decoderBias = torch.zeros(5056);
        CheckpointEditing.Derive(
            fixture.ModelFolder,
            dir.Path,
            w =>
            {
                w.Remove("classifier.weight");
                w.Remove("classifier.bias");
                w["decoder.bias"] = decoderBias;
                return w;
            },
            c => c["architectures"] = new JsonArray("ModernBertForMaskedLM"));

        var (model, report) = AutoModelForSequenceClassification.FromPretrained(dir.Path, new ModelLoadOptions { Labels = ["neg", "neu", "pos"] });
        using var _ = model;

        Assert.Equal(HeadSource.CreatedMissing, report.Head);
        Assert.Equal(["classifier.weight", "classifier.bias"], report.FreshParameters);
        Assert.Equal(["decoder.bias"], report.IgnoredKeys);
        Assert.Contains("no classification head", report.Describe());
    }
}
