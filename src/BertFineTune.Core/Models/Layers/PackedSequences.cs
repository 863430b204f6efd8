using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Models.Layers;

/// <summary>
/// Where the real tokens of a padded batch <c>[batch, seq]</c> are, built once per forward pass from the attention mask.
/// Position-wise work (embeddings, Linear layers, norms, activations, dropout, residuals) then runs on one
/// <c>[tokens, hidden]</c> tensor; only attention re-pads what needs sequence structure (<see cref="AttentionBatch"/>).
/// Padded positions are never computed, so no gradient can reach them.
/// </summary>
/// <remarks>
/// Tokens keep their padded column, so anything indexed by position (absolute and rotary positions, ModernBERT's
/// sliding window, RoBERTa's pad-offset positions) is gathered from the padded grid and means exactly what it means
/// on the padded path. The tensors belong to the dispose scope that called <see cref="TryCreate"/>.
/// </remarks>
public sealed class PackedSequences
{
    private PackedSequences(long batch, long length, long tokens, Tensor indices, Tensor firstTokens, long[]? prefixLengths)
    {
        Batch = batch;
        Length = length;
        Tokens = tokens;
        Indices = indices;
        FirstTokens = firstTokens;
        PrefixLengths = prefixLengths;
    }

    /// <summary>Rows of the padded batch.</summary>
    public long Batch { get; }

    /// <summary>Columns of the padded batch (its longest sequence).</summary>
    public long Length { get; }

    /// <summary>Real (non-pad) tokens: the first dimension of every packed tensor.</summary>
    public long Tokens { get; }

    /// <summary>int64 <c>[tokens]</c>: <c>row · seq + column</c> of every real token, in row-major order.</summary>
    public Tensor Indices { get; }

    /// <summary>int64 <c>[batch]</c>: where each row's first token (<c>[CLS]</c>, <c>&lt;s&gt;</c>) sits in a packed tensor.</summary>
    public Tensor FirstTokens { get; }

    /// <summary>
    /// Each row's token count when every row's real tokens are a prefix (right padding, as the collator makes): then
    /// row <c>r</c> is the packed slice starting at <c>FirstTokens[r]</c> with positions 0…n−1, and attention can run
    /// one sequence at a time. Null for masks with holes.
    /// </summary>
    public long[]? PrefixLengths { get; }

    /// <summary>
    /// The packing of <paramref name="attentionMask"/> (<c>[batch, seq]</c>, 1 = real), or null when packing cannot help or
    /// cannot keep the padded path's math: when nothing is padded (every row full), or when a row's first column is padding
    /// (left padding, an empty row), because the classification heads read column 0. With
    /// <paramref name="minPaddingRatio"/> above 1, also when the batch's padded tokens are at most that many times its
    /// real tokens: then the work packing saves is smaller than what per-sequence attention costs.
    /// </summary>
    public static PackedSequences? TryCreate(Tensor attentionMask, double minPaddingRatio = 1.0)
    {
        using var scope = torch.NewDisposeScope();
        var (batch, length) = (attentionMask.shape[0], attentionMask.shape[1]);
        var real = attentionMask.ne(0);
        var counts = real.sum(1, type: ScalarType.Int64);
        var tokens = counts.sum().item<long>();
        if (batch * length <= tokens * minPaddingRatio || !real.select(1, 0).all().item<bool>())
        {
            return null;
        }

        var indices = real.reshape(-1).nonzero().squeeze(1);
        var firstTokens = counts.cumsum(0) - counts;
        var prefix = torch.arange(length, device: attentionMask.device).unsqueeze(0).lt(counts.unsqueeze(1)).eq(real).all().item<bool>();
        var lengths = prefix ? counts.cpu().data<long>().ToArray() : null;
        return new PackedSequences(batch, length, tokens, indices.MoveToOuterDisposeScope(), firstTokens.MoveToOuterDisposeScope(), lengths);
    }

    /// <summary><c>[batch, seq, …]</c> → <c>[tokens, …]</c>: the real positions only.</summary>
    public Tensor Pack(Tensor padded) => padded.flatten(0, 1).index_select(0, Indices);

    /// <summary><c>[tokens, …]</c> → <c>[batch, seq, …]</c> with zeros at padded positions (which get no gradient).</summary>
    public Tensor Unpack(Tensor packed)
    {
        using var scope = torch.NewDisposeScope();
        long[] shape = [Batch * Length, .. packed.shape.Skip(1)];
        var grid = torch.zeros(shape, packed.dtype, packed.device).index_copy(0, Indices, packed);
        long[] padded = [Batch, Length, .. packed.shape.Skip(1)];
        return grid.view(padded).MoveToOuterDisposeScope();
    }

    /// <summary>Each row's first token <c>[batch, …]</c> of a packed tensor, as <c>hidden[:, 0]</c> on the padded path.</summary>
    public Tensor FirstTokenStates(Tensor packed) => packed.index_select(0, FirstTokens);
}
