using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Models.Layers;

/// <summary>The shared attention core: <c>softmax(q·kᵀ/√d + mask)·v</c> with dropout on the weights, in fp32.</summary>
public static class ScaledDotProductAttention
{
    /// <summary>
    /// <paramref name="query"/>, <paramref name="key"/>, <paramref name="value"/> are <c>[batch, heads, seq, head_dim]</c>;
    /// <paramref name="additiveMask"/> broadcasts to <c>[batch, heads, seq, seq]</c> and holds 0 or <c>finfo(float32).min</c>.
    /// </summary>
    public static Tensor Compute(
        Tensor query,
        Tensor key,
        Tensor value,
        Tensor additiveMask,
        double dropout,
        bool training,
        AttentionImplementation implementation)
    {
        var p = training ? dropout : 0.0;
        if (implementation == AttentionImplementation.Sdpa || (implementation == AttentionImplementation.Auto && p == 0))
        {
            return nn.functional.scaled_dot_product_attention(query, key, value, additiveMask, p);
        }

        using var scope = torch.NewDisposeScope();
        var scale = 1.0 / Math.Sqrt(query.shape[^1]);
        var scores = torch.matmul(query, key.transpose(-1, -2)).mul_(scale).add_(additiveMask);
        var weights = scores.softmax(-1);
        if (p > 0)
        {
            weights = nn.functional.dropout(weights, p, training: true);
        }

        return torch.matmul(weights, value).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The HF extended mask <c>[batch, 1, 1, seq]</c>: 0 where <paramref name="attentionMask"/> is 1, <c>finfo(float32).min</c>
    /// where it is 0 (padded keys).
    /// </summary>
    public static Tensor PaddingMask(Tensor attentionMask)
    {
        using var scope = torch.NewDisposeScope();
        var keep = attentionMask.to(ScalarType.Float32).unsqueeze(1).unsqueeze(1);
        return (1.0f - keep).mul_(float.MinValue).MoveToOuterDisposeScope();
    }
}
