using System.Text.Json.Nodes;
using BertFineTune.Diagnostics;
using BertFineTune.Export.Onnx;
using BertFineTune.Inference;
using BertFineTune.Native;
using BertFineTune.Tests.Support;

namespace BertFineTune.Tests.Export;

/// <summary>Broken exported folders give one user error naming the file, never a native crash.</summary>
public sealed class OnnxFolderErrorTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private string _exported = string.Empty;

    public async Task InitializeAsync()
    {
        TorchNativeLoader.EnsureLoaded();
        _exported = _temp.File("exported");
        await OnnxExporter.ExportAsync(OnnxExportRoundTripTests.Model("tiny-distilbert"), _exported, new OnnxExportOptions(), null, CancellationToken.None);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.01)]
    public void A_truncated_model_onnx_is_one_error_naming_the_file(double keep)
    {
        var folder = Copy("truncated");
        var model = Path.Combine(folder, "model.onnx");
        var bytes = File.ReadAllBytes(model);
        File.WriteAllBytes(model, bytes[..(int)(bytes.Length * keep)]);

        var error = Assert.Throws<UserErrorException>(() => OnnxTextClassifier.Load(folder));

        Assert.Single(error.Errors);
        Assert.Equal(InferenceErrors.OnnxUnreadable, error.Errors[0].Code);
        Assert.Equal(model, error.Errors[0].File);
    }

    [Fact]
    public void A_foreign_file_named_model_onnx_is_one_error_naming_the_file()
    {
        var folder = Copy("foreign");
        var model = Path.Combine(folder, "model.onnx");
        File.Copy(Path.Combine(folder, "config.json"), model, overwrite: true);

        var error = Assert.Throws<UserErrorException>(() => TextClassifier.Load(folder, new TextClassifierOptions()));

        Assert.Equal(InferenceErrors.OnnxUnreadable, error.Errors[0].Code);
        Assert.Equal(model, error.Errors[0].File);
    }

    [Fact]
    public void Labels_that_disagree_with_the_graph_name_config_json()
    {
        var folder = Copy("labels");
        var configPath = Path.Combine(folder, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        config["id2label"] = new JsonObject { ["0"] = "neg", ["1"] = "pos" };
        config["label2id"] = new JsonObject { ["neg"] = 0, ["pos"] = 1 };
        File.WriteAllText(configPath, config.ToJsonString());

        var error = Assert.Throws<UserErrorException>(() => OnnxTextClassifier.Load(folder));

        Assert.Equal(InferenceErrors.OnnxContract, error.Errors[0].Code);
        Assert.Equal(configPath, error.Errors[0].File);
        Assert.Contains("2 labels", error.Errors[0].Message);
        Assert.Contains("3 logits", error.Errors[0].Message);
    }

    [Fact]
    public void A_folder_without_model_onnx_says_how_to_export()
    {
        var error = Assert.Throws<UserErrorException>(() => OnnxTextClassifier.Load(OnnxExportRoundTripTests.Model("tiny-bert")));

        Assert.Equal(InferenceErrors.OnnxMissing, error.Errors[0].Code);
        Assert.Contains("bertft export onnx", error.Errors[0].Message);
    }

    [Fact]
    public void The_torch_runtime_on_an_export_and_bf16_on_onnx_are_user_errors()
    {
        var torch = Assert.Throws<UserErrorException>(() => TextClassifier.Load(_exported, new TextClassifierOptions { Runtime = InferenceRuntime.Torch }));
        var bf16 = Assert.Throws<UserErrorException>(() => TextClassifier.Load(_exported, new TextClassifierOptions { UseBf16 = true }));

        Assert.Equal("BFT407", torch.Errors[0].Code);
        Assert.Equal("BFT407", bf16.Errors[0].Code);
    }

    public Task DisposeAsync()
    {
        _temp.Dispose();
        return Task.CompletedTask;
    }

    private string Copy(string name)
    {
        var folder = _temp.File(name);
        OnnxExportRoundTripTests.CopyFolder(_exported, folder);
        return folder;
    }
}
