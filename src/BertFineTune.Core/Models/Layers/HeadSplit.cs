using static TorchSharp.torch;

namespace BertFineTune.Models.Layers;

/// <summary>Reshapes between <c>[batch, seq, heads·head_dim]</c> and <c>[batch, heads, seq, head_dim]</c> (HF's transpose_for_scores).</summary>
public static class HeadSplit
{
    public static Tensor Split(Tensor x, long heads)
    {
        var (batch, seq, width) = (x.shape[0], x.shape[1], x.shape[2]);
        return x.view(batch, seq, heads, width / heads).transpose(1, 2);
    }

    public static Tensor Merge(Tensor x)
    {
        var (batch, heads, seq, headDim) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
        return x.transpose(1, 2).contiguous().view(batch, seq, heads * headDim);
    }
}
