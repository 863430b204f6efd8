using System.Globalization;
using BertFineTune.Cli.Tests.Support;
using BertFineTune.Tests.Support;

namespace BertFineTune.Cli.Tests.Commands;

public sealed class ExportOnnxCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public static TheoryData<string> Fixtures => new() { "tiny-bert", "tiny-distilbert", "tiny-roberta", "tiny-modernbert", "tiny-modernbert-cls" };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task An_exported_folder_predicts_the_transformers_logits_with_the_same_columns(string fixture)
    {
        var model = Path.Combine(RepoPaths.Fixture(fixture), "model");
        var input = Path.Combine(RepoPaths.Fixture(fixture), "inputs.jsonl");
        var output = _temp.File(fixture);
        var export = await Bertft.RunAsync(null, null, "export", "onnx", "--model", model, "--output", output);
        Assert.True(export.ExitCode == 0, export.ToString());

        string[] common = ["--input", input, "--text-pair-column", "text_pair", "--max-length", "24", "--logits", "--batch-size", "3"];
        var onnx = await Bertft.RunAsync(null, null, ["predict", "--model", output, .. common]);
        var torch = await Bertft.RunAsync(null, null, ["predict", "--model", model, "--runtime", "torch", .. common]);

        Assert.True(onnx.ExitCode == 0, onnx.ToString());
        Assert.True(torch.ExitCode == 0, torch.ToString());
        var rows = PredictCommandTests.ReadCsv(onnx.Stdout);
        var torchRows = PredictCommandTests.ReadCsv(torch.Stdout);
        Assert.Equal(torchRows[0].Keys, rows[0].Keys);
        var expected = PredictCommandTests.ExpectedLogits(fixture);
        for (var i = 0; i < rows.Count; i++)
        {
            var logits = new[] { "logit_neg", "logit_neu", "logit_pos" }.Select(c => float.Parse(rows[i][c], CultureInfo.InvariantCulture)).ToArray();
            Assert.All(logits.Zip(expected[i]), p => Assert.InRange(Math.Abs(p.First - p.Second), 0, 1e-4));
            Assert.Equal(torchRows[i]["predicted_label"], rows[i]["predicted_label"]);
        }
    }

    [Fact]
    public async Task An_unsupported_architecture_is_exit_2_listing_the_supported_ones()
    {
        var result = await Bertft.RunAsync(null, null, "export", "onnx", "--model", Path.Combine(RepoPaths.Fixture("tiny-deberta-v3"), "model"), "--output", _temp.File("deberta"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error BFT240", result.Stderr);
        Assert.Contains("BertForSequenceClassification", result.Stderr);
        Assert.Contains("ModernBertForSequenceClassification", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public async Task A_bad_quantize_value_and_a_bad_runtime_are_exit_2()
    {
        var quantize = await Bertft.RunAsync(null, null, "export", "onnx", "--model", Path.Combine(RepoPaths.Fixture("tiny-bert"), "model"), "--output", _temp.File("q"), "--quantize", "int4");
        var runtime = await Bertft.RunAsync(null, null, "predict", "--model", Path.Combine(RepoPaths.Fixture("tiny-bert"), "model"), "--input", Path.Combine(RepoPaths.Fixture("tiny-bert"), "inputs.jsonl"), "--runtime", "tensorrt");

        Assert.Equal(2, quantize.ExitCode);
        Assert.Contains("BFT241", quantize.Stderr);
        Assert.Equal(2, runtime.ExitCode);
        Assert.Contains("BFT407", runtime.Stderr);
    }

    public void Dispose() => _temp.Dispose();
}
