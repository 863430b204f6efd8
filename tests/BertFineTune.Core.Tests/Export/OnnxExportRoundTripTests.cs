using System.Text.Json;
using BertFineTune.Diagnostics;
using BertFineTune.Export.Onnx;
using BertFineTune.Inference;
using BertFineTune.Native;
using BertFineTune.Tests.Support;

namespace BertFineTune.Tests.Export;

/// <summary>
/// Export → ONNX Runtime → logits, against the TorchSharp model on the same texts, for every exported family's fixture.
/// fp32 must agree within 1e-4; int8 (dynamic, per-channel weights) within a looser bound and with the same argmax
/// on nearly every text.
/// </summary>
public sealed class OnnxExportRoundTripTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public OnnxExportRoundTripTests() => TorchNativeLoader.EnsureLoaded();

    public static TheoryData<string> Families => ["tiny-bert", "tiny-distilbert", "tiny-roberta", "tiny-modernbert", "tiny-modernbert-cls"];

    [Theory]
    [MemberData(nameof(Families))]
    public async Task Fp32_export_gives_the_torch_logits_within_1e_4(string fixture)
    {
        var (texts, pairs) = FixtureTexts(fixture);
        var output = _temp.File(fixture);
        var result = await OnnxExporter.ExportAsync(Model(fixture), output, new OnnxExportOptions(), null, CancellationToken.None);

        using var torch = TextClassifier.Load(Model(fixture), new TextClassifierOptions { Runtime = InferenceRuntime.Torch, BatchSize = 3 });
        using var onnx = OnnxTextClassifier.Load(output, new OnnxClassifierOptions { BatchSize = 3 });
        var expected = torch.PredictLogits(texts, pairs, null);
        var actual = onnx.PredictLogits(texts, pairs);

        Assert.Equal(torch.Labels, onnx.Labels);
        Assert.Equal(result.Inputs.Contains("token_type_ids"), fixture == "tiny-bert");
        for (var i = 0; i < texts.Length; i++)
        {
            for (var j = 0; j < expected[i].Length; j++)
            {
                Assert.True(Math.Abs(expected[i][j] - actual[i][j]) <= 1e-4, $"{fixture} text {i} logit {j}: torch {expected[i][j]}, onnx {actual[i][j]}");
            }
        }

        foreach (var file in new[] { "model.onnx", "config.json", "tokenizer_config.json" })
        {
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        }
    }

    [Theory]
    [MemberData(nameof(Families))]
    public async Task Int8_export_stays_close_to_torch(string fixture)
    {
        var (texts, pairs) = FixtureTexts(fixture);
        var output = _temp.File(fixture + "-int8");
        await OnnxExporter.ExportAsync(Model(fixture), output, new OnnxExportOptions { Quantize = OnnxQuantization.Int8 }, null, CancellationToken.None);

        using var torch = TextClassifier.Load(Model(fixture), new TextClassifierOptions { Runtime = InferenceRuntime.Torch });
        using var onnx = OnnxTextClassifier.Load(output);
        var expected = torch.PredictLogits(texts, pairs, null);
        var actual = onnx.PredictLogits(texts, pairs);

        // Stated tolerance: random tiny models have logits of order 0.1–1; int8 weights move them by a few hundredths.
        var worst = expected.Zip(actual).SelectMany(p => p.First.Zip(p.Second, (e, a) => Math.Abs(e - a))).Max();
        Assert.True(worst <= 0.05, $"{fixture}: largest int8 logit error {worst}");

        // Threads that sleep between runs (as bertft serve sets it) compute the same numbers.
        using var sleeping = OnnxTextClassifier.Load(output, new OnnxClassifierOptions { SpinBetweenRuns = false });
        Assert.Equal(actual, sleeping.PredictLogits(texts, pairs));
        var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "config.json"))).RootElement;
        Assert.Equal("int8", config.GetProperty("onnx").GetProperty("quantization").GetString());
    }

    [Fact]
    public async Task An_exported_folder_runs_through_TextClassifier_without_naming_the_runtime()
    {
        var output = _temp.File("auto");
        await OnnxExporter.ExportAsync(Model("tiny-bert"), output, new OnnxExportOptions(), null, CancellationToken.None);

        using var classifier = TextClassifier.Load(output, new TextClassifierOptions());
        using var torch = TextClassifier.Load(Model("tiny-bert"), new TextClassifierOptions());

        Assert.Equal(InferenceRuntime.Onnx, classifier.Runtime);
        Assert.Equal(InferenceRuntime.Torch, torch.Runtime);
        Assert.Equal(torch.Predict("a short test").Label, classifier.Predict("a short test").Label);
        Assert.Equal("BertForSequenceClassification", classifier.Architecture);
    }

    [Fact]
    public void The_onnx_runtime_on_an_HF_folder_exports_in_memory()
    {
        using var onnx = TextClassifier.Load(Model("tiny-roberta"), new TextClassifierOptions { Runtime = InferenceRuntime.Onnx });
        using var torch = TextClassifier.Load(Model("tiny-roberta"), new TextClassifierOptions { Runtime = InferenceRuntime.Torch });

        var a = onnx.PredictLogits(["one text", "and a somewhat longer second text"]);
        var b = torch.PredictLogits(["one text", "and a somewhat longer second text"]);

        Assert.Equal(InferenceRuntime.Onnx, onnx.Runtime);
        Assert.All(a.Zip(b).SelectMany(p => p.First.Zip(p.Second)), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-4));
    }

    [Theory]
    [InlineData(0, null, 0.5f, "BFT401")]
    [InlineData(8, 1000, 0.5f, "BFT402")]
    [InlineData(8, null, 1.5f, "BFT403")]
    public async Task The_onnx_runtime_refuses_the_options_the_torch_runtime_refuses_with_the_same_message(int batchSize, int? maxLength, float threshold, string code)
    {
        var output = _temp.File("options-" + code);
        await OnnxExporter.ExportAsync(Model("tiny-bert"), output, new OnnxExportOptions(), null, CancellationToken.None);
        var options = new TextClassifierOptions { BatchSize = batchSize, MaxLength = maxLength, MultiLabelThreshold = threshold };

        var onnx = Assert.Throws<UserErrorException>(() => TextClassifier.Load(output, options with { Runtime = InferenceRuntime.Onnx })).Errors.Single();
        var torch = Assert.Throws<UserErrorException>(() => TextClassifier.Load(Model("tiny-bert"), options with { Runtime = InferenceRuntime.Torch })).Errors.Single();

        Assert.Equal(code, onnx.Code);
        Assert.Equal(torch.Message, onnx.Message);
        Assert.Equal(torch.Key, onnx.Key);
    }

    [Fact]
    public async Task Exporting_an_unsupported_architecture_names_the_supported_ones()
    {
        var error = await Assert.ThrowsAsync<UserErrorException>(() =>
            OnnxExporter.ExportAsync(Model("tiny-electra"), _temp.File("electra"), new OnnxExportOptions(), null, CancellationToken.None));

        Assert.Equal(ExportErrors.UnsupportedModel, error.Errors[0].Code);
        Assert.Contains("ElectraForSequenceClassification", error.Message);
        Assert.Contains("ModernBertForSequenceClassification", error.Message);
    }

    [Fact]
    public async Task Exporting_a_model_that_is_not_a_classifier_is_refused()
    {
        var folder = _temp.File("encoder");
        CopyFolder(Model("tiny-bert"), folder);
        var config = File.ReadAllText(Path.Combine(folder, "config.json")).Replace("BertForSequenceClassification", "BertModel", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(folder, "config.json"), config);

        var error = await Assert.ThrowsAsync<UserErrorException>(() =>
            OnnxExporter.ExportAsync(folder, _temp.File("out"), new OnnxExportOptions(), null, CancellationToken.None));

        Assert.Equal(ExportErrors.UnsupportedModel, error.Errors[0].Code);
        Assert.Contains("BertModel", error.Message);
    }

    [Fact]
    public async Task An_opset_out_of_range_and_a_non_empty_output_are_user_errors()
    {
        var opset = await Assert.ThrowsAsync<UserErrorException>(() =>
            OnnxExporter.ExportAsync(Model("tiny-bert"), _temp.File("o"), new OnnxExportOptions { Opset = 9 }, null, CancellationToken.None));
        var occupied = _temp.File("occupied");
        Directory.CreateDirectory(occupied);
        File.WriteAllText(Path.Combine(occupied, "notes.txt"), "mine");
        var output = await Assert.ThrowsAsync<UserErrorException>(() =>
            OnnxExporter.ExportAsync(Model("tiny-bert"), occupied, new OnnxExportOptions(), null, CancellationToken.None));

        Assert.Equal(ExportErrors.InvalidOption, opset.Errors[0].Code);
        Assert.Equal(ExportErrors.OutputNotEmpty, output.Errors[0].Code);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(occupied, "notes.txt")));
    }

    public void Dispose() => _temp.Dispose();

    internal static string Model(string fixture) => Path.Combine(RepoPaths.Fixture(fixture), "model");

    internal static (string[] Texts, string?[] Pairs) FixtureTexts(string fixture)
    {
        var rows = File.ReadLines(Path.Combine(RepoPaths.Fixture(fixture), "inputs.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToArray();
        return (
            [.. rows.Select(r => r.GetProperty("text").GetString()!)],
            [.. rows.Select(r => r.GetProperty("text_pair").ValueKind == JsonValueKind.String ? r.GetProperty("text_pair").GetString() : null)]);
    }

    internal static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
