using System.Buffers.Binary;
using System.Text.Json.Nodes;
using BertFineTune.Models;
using BertFineTune.Models.Weights;
using BertFineTune.Tests.Support;
using TorchSharp;
using static BertFineTune.Tests.Models.TensorAssert;
using static TorchSharp.torch;

namespace BertFineTune.Tests.Models;

/// <summary>SavePretrained writes what transformers' from_pretrained reads, and what we load back identically.</summary>
public class SavePretrainedTests
{
    public static TheoryData<string> Fixtures() => new(ModelFixture.Names);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void A_saved_folder_loads_back_with_identical_logits(string name)
    {
        var fixture = ModelFixture.Load(name);
        using var dir = new TempDirectory();
        var (model, _) = AutoModelForSequenceClassification.FromPretrained(fixture.ModelFolder, new ModelLoadOptions { Labels = ["x", "y"], Seed = 5 });
        using var __ = model;
        model.SavePretrained(dir.Path);

        var (reloaded, report) = AutoModelForSequenceClassification.FromPretrained(dir.Path, ModelLoadOptions.Default);
        using var ___ = reloaded;

        Assert.Equal(HeadSource.Checkpoint, report.Head);
        Assert.Equal(["x", "y"], reloaded.Labels);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var batch = fixture.Batch();
        Assert.True(Same(model.forward(batch), reloaded.forward(batch)));
    }

    [Fact]
    public void LoadWeights_restores_a_saved_state_into_an_existing_instance()
    {
        var fixture = ModelFixture.Load("tiny-modernbert");
        using var dir = new TempDirectory();
        var (model, _) = AutoModelForSequenceClassification.FromPretrained(fixture.ModelFolder, ModelLoadOptions.Default);
        using var __ = model;
        using var scope = torch.NewDisposeScope();
        var batch = fixture.Batch();
        Tensor before;
        using (torch.no_grad())
        {
            before = model.forward(batch);
        }

        model.SavePretrained(dir.Path);
        using (torch.no_grad())
        {
            foreach (var p in model.parameters())
            {
                p.add_(0.5);
            }

            Assert.False(Same(model.forward(batch), before));
            model.LoadWeights(dir.Path);
            Assert.True(Same(model.forward(batch), before));
        }
    }

    [Fact]
    public void Safetensors_layout_and_config_json_are_what_transformers_reads()
    {
        var fixture = ModelFixture.Load("tiny-bert");
        using var dir = new TempDirectory();
        var (model, _) = AutoModelForSequenceClassification.FromPretrained(fixture.ModelFolder, new ModelLoadOptions { ProblemType = ProblemType.MultiLabelClassification });
        using var __ = model;
        model.SavePretrained(dir.Path);

        var path = dir.File("model.safetensors");
        var bytes = File.ReadAllBytes(path);
        var headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, headerLength % 8);
        var headerText = System.Text.Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        Assert.StartsWith("{", headerText);
        Assert.EndsWith("}", headerText.TrimEnd(' '));
        var header = SafetensorsFile.ReadHeader(path);
        Assert.Equal(new Dictionary<string, string> { ["format"] = "pt" }, header.Metadata);

        var expected = fixture.Expected["parameters"]!.AsArray().ToDictionary(p => p!["name"]!.GetValue<string>(), p => p!["shape"]!.AsArray().Select(s => s!.GetValue<long>()).ToArray());
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), header.Entries.Select(e => e.Name));
        long offset = 0;
        var reference = SafetensorsFile.ReadHeader(Path.Combine(fixture.ModelFolder, "model.safetensors"));
        var referenceBytes = File.ReadAllBytes(Path.Combine(fixture.ModelFolder, "model.safetensors"));
        foreach (var entry in header.Entries)
        {
            Assert.Equal("F32", entry.DType);
            Assert.Equal(expected[entry.Name], entry.Shape);
            Assert.Equal(offset, entry.Begin);
            Assert.Equal(entry.Shape.Aggregate(4L, (a, b) => a * b), entry.End - entry.Begin);
            offset = entry.End;

            // Loaded unchanged, so every tensor's bytes equal the transformers-written reference file's.
            var refEntry = reference.Entries.Single(e => e.Name == entry.Name);
            Assert.True(bytes.AsSpan((int)(8 + headerLength + entry.Begin), (int)(entry.End - entry.Begin))
                .SequenceEqual(referenceBytes.AsSpan((int)(8 + reference.HeaderLength + refEntry.Begin), (int)(refEntry.End - refEntry.Begin))));
        }

        Assert.Equal(8 + headerLength + offset, bytes.Length);

        var config = JsonNode.Parse(File.ReadAllText(dir.File("config.json")))!.AsObject();
        Assert.Equal("bert", config["model_type"]!.GetValue<string>());
        Assert.Equal("BertForSequenceClassification", config["architectures"]![0]!.GetValue<string>());
        Assert.Equal("neu", config["id2label"]!["1"]!.GetValue<string>());
        Assert.Equal(2, config["label2id"]!["pos"]!.GetValue<int>());
        Assert.Equal("multi_label_classification", config["problem_type"]!.GetValue<string>());
        Assert.Equal("float32", config["torch_dtype"]!.GetValue<string>());
        Assert.Equal(32, config["hidden_size"]!.GetValue<int>());
        Assert.True(config["use_cache"]!.GetValue<bool>(), "fields we do not model are preserved");
        Assert.Equal("absolute", config["position_embedding_type"]!.GetValue<string>());
    }
}
