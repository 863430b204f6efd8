using BertFineTune.Export.Onnx;
using BertFineTune.Inference;
using BertFineTune.Native;
using BertFineTune.Onnx.Proto;
using BertFineTune.Tests.Support;
using Xunit.Abstractions;

namespace BertFineTune.Tests.Export;

/// <summary>
/// The exported graphs are written in the patterns ONNX Runtime's optimizer fuses. These tests load each export with
/// <c>SessionOptions.OptimizedModelFilePath</c>, read the optimized graph back with our ONNX messages, and check which
/// fused operators replaced the primitive ones.
/// </summary>
public sealed class OnnxFusionTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _temp = new();

    [Theory]
    [InlineData("tiny-bert")]
    [InlineData("tiny-distilbert")]
    [InlineData("tiny-roberta")]
    public async Task Bert_style_encoders_fuse_into_Attention_SkipLayerNormalization_and_BiasGelu(string fixture)
    {
        var (before, after) = await OptimizeAsync(fixture, OnnxQuantization.None);

        // Two layers in each tiny fixture: one fused Attention per layer, no primitive attention left.
        Assert.Equal(2, after.GetValueOrDefault("com.microsoft.Attention"));
        Assert.Equal(0, after.GetValueOrDefault("Softmax"));
        Assert.Equal(2, after.GetValueOrDefault("com.microsoft.BiasGelu"));
        Assert.Equal(before["ReduceMean"] / 2, after.GetValueOrDefault("com.microsoft.SkipLayerNormalization") + after.GetValueOrDefault("LayerNormalization"));
        Assert.True(after.GetValueOrDefault("com.microsoft.SkipLayerNormalization") >= 4);
        Assert.Equal(0, after.GetValueOrDefault("Erf"));
    }

    [Fact]
    public async Task ModernBert_fuses_its_norms_and_GELU()
    {
        var (_, after) = await OptimizeAsync("tiny-modernbert", OnnxQuantization.None);

        // Bias-free LayerNorm becomes SimplifiedLayerNormalization over the centred input (the same function).
        Assert.Equal(8, after.GetValueOrDefault("SimplifiedLayerNormalization"));
        Assert.Equal(4, after.GetValueOrDefault("com.microsoft.Gelu"));
        Assert.Equal(0, after.GetValueOrDefault("Sqrt"));
    }

    [Theory]
    [InlineData("tiny-bert")]
    [InlineData("tiny-distilbert")]
    [InlineData("tiny-roberta")]
    public async Task Int8_attention_is_one_QAttention_and_the_other_linears_fuse_into_DynamicQuantizeMatMul(string fixture)
    {
        var (before, after) = await OptimizeAsync(fixture, OnnxQuantization.Int8);

        // Two layers: q/k/v and the attention core are one QAttention each; attention output, intermediate, output are MatMulIntegers.
        Assert.Equal(2, before.GetValueOrDefault("com.microsoft.QAttention"));
        Assert.Equal(6, before["MatMulInteger"]);
        Assert.Equal(2, after.GetValueOrDefault("com.microsoft.QAttention"));
        Assert.Equal(0, after.GetValueOrDefault("MatMulInteger"));
        Assert.Equal(6, after.GetValueOrDefault("com.microsoft.DynamicQuantizeMatMul") + after.GetValueOrDefault("com.microsoft.MatMulIntegerToFloat"));
        Assert.Equal(0, after.GetValueOrDefault("Softmax") + after.GetValueOrDefault("Transpose") + after.GetValueOrDefault("Reshape"));
        Assert.True(after.GetValueOrDefault("com.microsoft.SkipLayerNormalization") >= 4);
    }

    public void Dispose() => _temp.Dispose();

    internal static Dictionary<string, int> OpCounts(string path) =>
        ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph.Node
            .GroupBy(n => string.IsNullOrEmpty(n.Domain) ? n.OpType : $"{n.Domain}.{n.OpType}")
            .ToDictionary(g => g.Key, g => g.Count());

    private async Task<(Dictionary<string, int> Before, Dictionary<string, int> After)> OptimizeAsync(string fixture, OnnxQuantization quantize)
    {
        TorchNativeLoader.EnsureLoaded();
        var folder = _temp.File(fixture);
        await OnnxExporter.ExportAsync(OnnxExportRoundTripTests.Model(fixture), folder, new OnnxExportOptions { Quantize = quantize }, null, CancellationToken.None);
        var optimized = _temp.File(fixture + ".optimized.onnx");
        using (OnnxTextClassifier.Load(folder, new OnnxClassifierOptions { OptimizedModelPath = optimized }))
        {
        }

        var before = OpCounts(Path.Combine(folder, "model.onnx"));
        var after = OpCounts(optimized);
        output.WriteLine($"{fixture} {quantize}: before {Format(before)}");
        output.WriteLine($"{fixture} {quantize}: after  {Format(after)}");
        return (before, after);
    }

    private static string Format(Dictionary<string, int> counts) =>
        string.Join(", ", counts.OrderByDescending(p => p.Value).Select(p => $"{p.Key}×{p.Value}"));
}
