using BertFineTune.Diagnostics;
using BertFineTune.Models;
using BertFineTune.Models.Weights;
using BertFineTune.Tests.Support;
using TorchSharp;
using TorchSharp.PyBridge;
using static BertFineTune.Tests.Models.TensorAssert;
using static TorchSharp.torch;

namespace BertFineTune.Tests.Models;

/// <summary>Weight formats, key normalisation, head creation and the errors for checkpoints that do not fit.</summary>
public class CheckpointLoadingTests
{
    [Fact]
    public void An_unknown_model_type_is_a_user_error_listing_the_supported_ones()
    {
        var fixture = ModelFixture.Load("tiny-bert");
        using var dir = new TempDirectory();
        CheckpointEditing.Derive(fixture.ModelFolder, dir.Path, w => w, c => c["model_type"] = "gpt2");

        var error = Assert.Throws<UserErrorException>(() => AutoModelForSequenceClassification.FromPretrained(dir.Path, ModelLoadOptions.Default));

        var single = Assert.Single(error.Errors);
        Assert.Equal(ModelErrors.UnknownModelType, single.Code);
        Assert.Equal("model_type", single.Key);
        Assert.EndsWith("config.json", single.File);
        foreach (var supported in new[] { "bert", "distilbert", "roberta", "xlm-roberta", "modernbert" })
        {
            Assert.Contains(supported, single.Message);
        }
    }

    [Theory]
    [InlineData("tiny-bert", "hidden_dropout_prob")]
    [InlineData("tiny-distilbert", "seq_classif_dropout")]
    [InlineData("tiny-modernbert-cls", "mlp_dropout")]
    public void A_dropout_probability_above_one_names_its_key(string name, string key)
    {
        var fixture = ModelFixture.Load(name);
        using var dir = new TempDirectory();
        CheckpointEditing.Derive(fixture.ModelFolder, dir.Path, w => w, c => c[key] = 1.5);

        var error = Assert.Throws<UserErrorException>(() => AutoModelForSequenceClassification.FromPretrained(dir.Path, ModelLoadOptions.Default));

        var single = Assert.Single(error.Errors);
        Assert.Equal(ModelErrors.InvalidConfigValue, single.Code);
        Assert.Equal(key, single.Key);
        Assert.Contains("is 1.5, but a dropout probability lies between 0 and 1", single.Message);
        Assert.Contains("Fix config.json", single.Message);
    }

    [Fact]
    public void Missing_unexpected_and_wrong_shape_keys_are_each_listed()
    {
        var fixture = ModelFixture.Load("tiny-bert");
        using var dir = new TempDirectory();
        CheckpointEditing.Derive(fixture.ModelFolder, dir.Path, weights =>
        {
            weights.Remove("bert.encoder.layer.1.attention.self.key.weight");
            weights.Remove("bert.embeddings.LayerNorm.bias");
            weights["bert.encoder.layer.2.attention.self.query.weight"] = torch.zeros(32, 32);
            weights["bert.encoder.layer.0.intermediate.dense.weight"] = torch.zeros(65, 32);
            return weights;
        });

        var error = Assert.Throws<UserErrorException>(() => AutoModelForSequenceClassification.FromPretrained(dir.Path, ModelLoadOptions.Default));

        Assert.Equal([ModelErrors.MissingKeys, ModelErrors.UnexpectedKeys, ModelErrors.ShapeMismatch], error.Errors.Select(e => e.Code));
        Assert.Contains("bert.encoder.layer.1.attention.self.key.weight", error.Errors[0].Message);
        Assert.Contains("bert.embeddings.LayerNorm.bias", error.Errors[0].Message);
        Assert.Contains("bert.encoder.layer.2.attention.self.query.weight", error.Errors[1].Message);
        Assert.Contains("bert.encoder.layer.0.intermediate.dense.weight: checkpoint [65, 32], model [64, 32]", error.Errors[2].Message);
        Assert.All(error.Errors, e => Assert.EndsWith("model.safetensors", e.File));
    }

    [Fact]
    public void A_folder_without_weights_names_the_expected_files()
    {
        using var dir = new TempDirectory();
        File.Copy(Path.Combine(ModelFixture.Load("tiny-roberta").ModelFolder, "config.json"), dir.File("config.json"));

        var error = Assert.Throws<UserErrorException>(() => AutoModelForSequenceClassification.FromPretrained(dir.Path, ModelLoadOptions.Default));

        Assert.Equal(ModelErrors.WeightsMissing, error.Errors[0].Code);
        Assert.Contains("pytorch_model.bin", error.Errors[0].Message);
    }

    [Theory]
    [InlineData("tiny-bert", new[] { "classifier.weight", "classifier.bias" })]
    [InlineData("tiny-distilbert", new[] { "classifier.weight", "classifier.bias" })]
    [InlineData("tiny-roberta", new[] { "classifier.out_proj.weight", "classifier.out_proj.bias" })]
    [InlineData("tiny-modernbert-cls", new[] { "classifier.weight", "classifier.bias" })]
    [InlineData("tiny-electra", new[] { "classifier.out_proj.weight", "classifier.out_proj.bias" })]
    [InlineData("tiny-deberta-v3", new[] { "classifier.weight", "classifier.bias" })]
    public void Another_label_count_gets_a_fresh_head_and_keeps_the_encoder(string name, string[] freshNames)
    {
        var fixture = ModelFixture.Load(name);
        var options = new ModelLoadOptions { Labels = ["spam", "ham"], ProblemType = ProblemType.SingleLabelClassification, Seed = 7 };

        var (model, report) = AutoModelForSequenceClassification.FromPretrained(fixture.ModelFolder, options);
        using var _ = model;
        var (again, _) = AutoModelForSequenceClassification.FromPretrained(fixture.ModelFolder, options);
        using var __ = again;
        using var original = FixtureParityTests.Load(fixture, model is HfSequenceClassifier h ? h.AttentionImplementation : default);

        Assert.Equal(HeadSource.CreatedForNewLabels, report.Head);
        Assert.Equal(freshNames, report.FreshParameters);
        Assert.Equal(["neg", "neu", "pos"], report.CheckpointLabels);
        Assert.Equal(["spam", "ham"], model.Labels);
        Assert.Contains("3 labels", report.Describe());
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var batch = fixture.Batch();
        Assert.Equal([8L, 2L], model.forward(batch).shape);
        Assert.True(Same(model.ForwardHidden(batch), original.ForwardHidden(batch)));

        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var repeat = again.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Equal(0f, parameters[freshNames[1]].abs().max().item<float>());
        Assert.True(Same(parameters[freshNames[0]], repeat[freshNames[0]]), "the same seed gives the same head");
        Assert.True(parameters[freshNames[0]].std().item<float>() > 0.01f);
    }

    [Fact]
    public void The_same_label_count_keeps_the_trained_head_under_the_new_names()
    {
        var fixture = ModelFixture.Load("tiny-bert");
        var (model, report) = AutoModelForSequenceClassification.FromPretrained(fixture.ModelFolder, new ModelLoadOptions { Labels = ["a", "b", "c"] });
        using var _ = model;

        Assert.Equal(HeadSource.Checkpoint, report.Head);
        Assert.Equal(["a", "b", "c"], model.Labels);
        Assert.Contains("now mean a, b, c", report.Describe());
    }

    [Fact]
    public void ModernBert_fresh_classifier_uses_its_truncated_normal_init()
    {
        var fixture = ModelFixture.Load("tiny-modernbert");
        var (model, report) = AutoModelForSequenceClassification.FromPretrained(fixture.ModelFolder, new ModelLoadOptions { Labels = ["a", "b", "c", "d", "e", "f", "g", "h"], Seed = 1 });
        using var _ = model;

        Assert.Equal(["classifier.weight", "classifier.bias"], report.FreshParameters);
        var weight = model.named_parameters().Single(p => p.name == "classifier.weight").parameter;
        var std = Math.Pow(32, -0.5);
        Assert.True(weight.abs().max().item<float>() <= 2 * std + 1e-6, "values stay inside the 2σ cutoff");
        var spread = weight.std().item<float>() / std;
        Assert.InRange(spread, 0.6, 1.1); // a 2σ-truncated normal has std ≈ 0.88σ
        Assert.Equal(0f, model.named_parameters().Single(p => p.name == "classifier.bias").parameter.abs().max().item<float>());
    }

    [Fact]
    public void A_headless_BertModel_folder_without_prefix_loads_and_gets_pooler_and_classifier_fresh()
    {
        var fixture = ModelFixture.Load("tiny-bert");
        using var dir = new TempDirectory();
        CheckpointEditing.Derive(
            fixture.ModelFolder,
            dir.Path,
            weights => weights
                .Where(kv => kv.Key.StartsWith("bert.", StringComparison.Ordinal) && !kv.Key.StartsWith("bert.pooler.", StringComparison.Ordinal))
                .ToDictionary(kv => RenameToLegacy(kv.Key["bert.".Length..]), kv => kv.Value),
            c =>
            {
                c["architectures"] = new System.Text.Json.Nodes.JsonArray("BertModel");
                c.Remove("id2label");
                c.Remove("label2id");
            });
        AddPositionIdsBuffer(dir.Path);

        var (model, report) = AutoModelForSequenceClassification.FromPretrained(dir.Path, new ModelLoadOptions { Labels = ["neg", "neu", "pos"], Seed = 3 });
        using var _ = model;
        using var original = FixtureParityTests.Load(fixture, default);

        Assert.Equal(HeadSource.CreatedMissing, report.Head);
        Assert.Equal(["bert.pooler.dense.weight", "bert.pooler.dense.bias", "classifier.weight", "classifier.bias"], report.FreshParameters);
        Assert.Equal(["embeddings.position_ids"], report.IgnoredKeys);
        Assert.Equal(["LABEL_0", "LABEL_1"], report.CheckpointLabels);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var batch = fixture.Batch();
        Assert.True(Same(model.ForwardHidden(batch), original.ForwardHidden(batch)));
    }

    [Fact]
    public void BertModel_loads_headless_from_a_classifier_folder_and_gives_the_reference_hidden_states()
    {
        var fixture = ModelFixture.Load("tiny-bert");
        var (model, report) = BertModel.FromPretrained(fixture.ModelFolder);
        using var _ = model;

        Assert.Equal(HeadSource.Checkpoint, report.Head);
        Assert.Equal(["classifier.bias", "classifier.weight"], report.IgnoredKeys);
        Assert.Equal(fixture.Expected["parameters"]!.AsArray().Count - 2, model.parameters().Count());
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var hidden = model.forward(fixture.Batch());
        var expected = fixture.Expected["eval"]!["last_hidden_state"]!["values"]!.AsArray();
        Assert.True(ModelFixture.MaxAbsDiff(hidden[1].narrow(0, 0, 4), fixture.Matrix(expected[1]!)) <= 1e-4);
    }

    [Fact]
    public void A_config_field_of_the_wrong_type_names_the_key()
    {
        using var dir = new TempDirectory();
        CheckpointEditing.Derive(ModelFixture.Load("tiny-distilbert").ModelFolder, dir.Path, w => w, c => c["n_layers"] = "two");

        var error = Assert.Throws<UserErrorException>(() => AutoModelForSequenceClassification.FromPretrained(dir.Path, ModelLoadOptions.Default));

        Assert.Equal(ModelErrors.InvalidConfigValue, error.Errors[0].Code);
        Assert.Equal("n_layers", error.Errors[0].Key);
        Assert.Contains("\"two\"", error.Errors[0].Message);
    }

    [Theory]
    [InlineData("tiny-distilbert")]
    [InlineData("tiny-modernbert")]
    public void Pytorch_model_bin_loads_like_safetensors(string name)
    {
        var fixture = ModelFixture.Load(name);
        using var dir = new TempDirectory();
        File.Copy(Path.Combine(fixture.ModelFolder, "config.json"), dir.File("config.json"));
        using (var checkpoint = CheckpointReader.Read(fixture.ModelFolder))
        {
            PyTorchPickler.PickleStateDict(dir.File(CheckpointFiles.PytorchBin), checkpoint.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value));
        }

        AssertSameLogits(fixture, dir.Path);
    }

    [Fact]
    public void A_truncated_safetensors_file_is_a_user_error()
    {
        var fixture = ModelFixture.Load("tiny-bert");
        using var dir = new TempDirectory();
        File.Copy(Path.Combine(fixture.ModelFolder, "config.json"), dir.File("config.json"));
        var bytes = File.ReadAllBytes(Path.Combine(fixture.ModelFolder, CheckpointFiles.Safetensors));
        File.WriteAllBytes(dir.File(CheckpointFiles.Safetensors), bytes[..200]);

        var error = Assert.Throws<UserErrorException>(() => AutoModelForSequenceClassification.FromPretrained(dir.Path, ModelLoadOptions.Default));

        Assert.Equal(ModelErrors.WeightsUnreadable, error.Errors[0].Code);
        Assert.Contains("not a valid safetensors file", error.Errors[0].Message);
    }

    [Fact]
    public void A_shard_index_naming_an_absent_file_says_which()
    {
        var fixture = ModelFixture.Load("tiny-bert");
        using var dir = new TempDirectory();
        File.Copy(Path.Combine(fixture.ModelFolder, "config.json"), dir.File("config.json"));
        File.WriteAllText(dir.File(CheckpointFiles.SafetensorsIndex), "{\"weight_map\": {\"classifier.weight\": \"model-00001-of-00002.safetensors\"}}");

        var error = Assert.Throws<UserErrorException>(() => AutoModelForSequenceClassification.FromPretrained(dir.Path, ModelLoadOptions.Default));

        Assert.Equal(ModelErrors.WeightsMissing, error.Errors[0].Code);
        Assert.Contains("model-00001-of-00002.safetensors", error.Errors[0].Message);
    }

    [Fact]
    public void A_bf16_checkpoint_loads_into_fp32_master_weights()
    {
        var fixture = ModelFixture.Load("tiny-roberta");
        using var dir = new TempDirectory();
        CheckpointEditing.Derive(fixture.ModelFolder, dir.Path, w => w.ToDictionary(kv => kv.Key, kv => kv.Value.to(ScalarType.BFloat16)));
        Assert.All(SafetensorsFile.ReadHeader(dir.File(CheckpointFiles.Safetensors)).Entries, e => Assert.Equal("BF16", e.DType));

        var (model, _) = AutoModelForSequenceClassification.FromPretrained(dir.Path, ModelLoadOptions.Default);
        using var _ = model;

        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var diff = ModelFixture.MaxAbsDiff(model.forward(fixture.Batch()), fixture.Matrix(fixture.Expected["eval"]!["logits"]!));
        Assert.InRange(diff, 1e-7, 0.1); // bf16-rounded weights: close, not equal
    }

    [Fact]
    public void Sharded_safetensors_load_through_the_index()
    {
        var fixture = ModelFixture.Load("tiny-roberta");
        using var dir = new TempDirectory();
        File.Copy(Path.Combine(fixture.ModelFolder, "config.json"), dir.File("config.json"));
        var map = new System.Text.Json.Nodes.JsonObject();
        using (var checkpoint = CheckpointReader.Read(fixture.ModelFolder))
        {
            var shards = checkpoint.Tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal).Chunk(25).ToList();
            for (var i = 0; i < shards.Count; i++)
            {
                var file = $"model-{i + 1:00000}-of-{shards.Count:00000}.safetensors";
                SafetensorsFile.Write(dir.File(file), shards[i].Select(kv => (kv.Key, kv.Value)).ToList());
                foreach (var (key, _) in shards[i])
                {
                    map[key] = file;
                }
            }
        }

        File.WriteAllText(dir.File(CheckpointFiles.SafetensorsIndex), new System.Text.Json.Nodes.JsonObject { ["metadata"] = new System.Text.Json.Nodes.JsonObject(), ["weight_map"] = map }.ToJsonString());

        AssertSameLogits(fixture, dir.Path);
    }

    private static void AssertSameLogits(ModelFixture fixture, string folder)
    {
        var (model, report) = AutoModelForSequenceClassification.FromPretrained(folder, ModelLoadOptions.Default);
        using var _ = model;
        using var original = FixtureParityTests.Load(fixture, default);
        Assert.Equal(HeadSource.Checkpoint, report.Head);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var batch = fixture.Batch();
        Assert.True(Same(model.forward(batch), original.forward(batch)));
    }

    private static string RenameToLegacy(string key) =>
        key.Contains("LayerNorm", StringComparison.Ordinal)
            ? key.Replace(".weight", ".gamma", StringComparison.Ordinal).Replace(".bias", ".beta", StringComparison.Ordinal)
            : key;

    private static void AddPositionIdsBuffer(string folder)
    {
        var path = Path.Combine(folder, CheckpointFiles.Safetensors);
        using var checkpoint = CheckpointReader.Read(folder);
        var tensors = checkpoint.Tensors.Select(kv => (kv.Key, kv.Value)).ToList();
        using var positions = torch.arange(64L).unsqueeze(0);
        tensors.Add(("embeddings.position_ids", positions));
        SafetensorsFile.Write(path, tensors);
    }
}
