using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Models.Layers;

/// <summary>
/// Rotary position embedding in the "rotate_half" (non-interleaved) layout, as HF's default RoPE: <c>inv_freq = θ^(−2i/d)</c>,
/// angles <c>pos · inv_freq</c> duplicated over both halves, all in fp32.
/// </summary>
public static class RotaryEmbedding
{
    /// <summary><c>(cos, sin)</c>, each <c>[seq, head_dim]</c>.</summary>
    public static (Tensor Cos, Tensor Sin) CosSin(long sequenceLength, long headDim, double theta, Device device)
    {
        using var scope = torch.NewDisposeScope();
        var exponent = torch.arange(0, headDim, 2, dtype: ScalarType.Int64, device: device).to(ScalarType.Float32) / headDim;
        var invFreq = 1.0f / torch.pow(torch.tensor((float)theta, device: device), exponent);
        var positions = torch.arange(sequenceLength, dtype: ScalarType.Float32, device: device);
        var freqs = positions.unsqueeze(1) * invFreq.unsqueeze(0);
        var angles = torch.cat([freqs, freqs], -1);
        return (angles.cos().MoveToOuterDisposeScope(), angles.sin().MoveToOuterDisposeScope());
    }

    /// <summary><c>x·cos + rotate_half(x)·sin</c> with <c>rotate_half(x) = [−x₂, x₁]</c>; x is <c>[batch, heads, seq, head_dim]</c>.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = torch.NewDisposeScope();
        var half = x.shape[^1] / 2;
        var rotated = torch.cat([x.narrow(-1, half, half).neg(), x.narrow(-1, 0, half)], -1);
        return ((x * cos) + (rotated * sin)).MoveToOuterDisposeScope();
    }
}
