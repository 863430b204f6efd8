using BertFineTune.Models.Layers.PackedAttention;
using BertFineTune.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Tests.Models;

/// <summary>The packed kernel's bf16 reads and writes are bit for bit LibTorch's conversions, specials included.</summary>
public class TokenRowsTests
{
    public TokenRowsTests() => TorchNativeLoader.EnsureLoaded();

    [Fact]
    public void Bf16_writes_round_as_libtorch_and_reads_widen_exactly()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(9);

        // 3 rows of 21 (two vectors and a scalar tail): random values at many scales, exact ties, and the specials.
        var values = (torch.randn([3, 21], generator: generator) * torch.pow(10.0f, torch.randint(-40, 38, [3, 21], generator: generator).to(ScalarType.Float32))).contiguous();
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1e-40f, -1e-40f, 3.3961514e38f, 1.00390625f, 1.01171875f];
        var flat = values.view(-1);
        for (var k = 0; k < specials.Length; k++)
        {
            flat[k] = torch.tensor(specials[k]);
        }

        var written = torch.zeros([3, 21], ScalarType.BFloat16);
        var row = new float[21];
        var writer = TokenRows.Of(written);
        for (var i = 0; i < 3; i++)
        {
            values[i].data<float>().CopyTo(row);
            writer.Write(i, 0, row);
        }

        var expected = values.to(ScalarType.BFloat16);
        // NaN stays NaN (LibTorch's vector path writes 0xFFFF, its scalar path 0x7FC0, we write 0x7FC0); the rest bit for bit.
        Assert.True(float.IsNaN(written.view(-1)[0].to(ScalarType.Float32).item<float>()));
        Assert.Equal(expected.bytes[2..].ToArray(), written.bytes[2..].ToArray());

        var reader = TokenRows.Of(expected);
        var widened = expected.to(ScalarType.Float32);
        for (var i = 0; i < 3; i++)
        {
            reader.Read(i, 0, row);
            Assert.Equal(widened[i].data<float>().ToArray().Select(BitConverter.SingleToInt32Bits), row.Select(BitConverter.SingleToInt32Bits));
        }
    }
}
