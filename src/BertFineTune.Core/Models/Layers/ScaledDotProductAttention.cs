using BertFineTune.Models.Layers.PackedAttention;
using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Models.Layers;

/// <summary>The shared attention core: <c>softmax(q·kᵀ/√d + mask)·v</c> with dropout on the weights.</summary>
public static class ScaledDotProductAttention
{
    /// <summary>
    /// The additive value of a masked key: bfloat16's most negative finite value (−3.3895e38), exact in fp32 and bf16,
    /// so a mask cast to bf16 stays finite (fp32's own minimum would round to −inf and turn fully masked rows into NaN).
    /// Softmax gives masked keys exactly 0 with it, as with HF's <c>finfo(float32).min</c>.
    /// </summary>
    public const float MaskValue = -3.3895313892515355e38f;

    /// <summary>
    /// Self-attention over fused projections <paramref name="qkv"/> <c>[…, 3·heads·head_dim]</c> (<c>[q | k | v]</c>) in the
    /// layout of <paramref name="batch"/> (packed tokens or padded), returning the context <c>[…, heads·head_dim]</c> in
    /// the same layout. Packed projections are re-padded for the kernel and its output packed again: the one place where
    /// sequence structure comes back. <paramref name="rotate"/> (RoPE) is applied to q and k on <c>[batch, heads, seq, head_dim]</c>.
    /// </summary>
    /// <remarks>
    /// Packed right-padded batches attend one sequence at a time on its own slice (no padded keys or queries at all):
    /// through the packed kernel (<see cref="PackedSelfAttention"/>) when nothing but padding is masked and the
    /// implementation is <see cref="AttentionImplementation.Auto"/>, else one LibTorch call per text. Other packings re-pad
    /// q/k/v to <c>[batch, seq]</c> for one kernel call. Measured (AttentionStrategies in the benchmarks: forward + backward
    /// of this core alone, all-MiniLM-L6-v2's 12 × 32 heads, 10 fortunes batches of 16, SDPA, CPU time on one thread): per
    /// sequence 117 ms, length-grouped re-pad (groups of 4) 154 ms, re-pad 350 ms, block-diagonal mask over all packed
    /// tokens 360 ms, the padded path's attention 376 ms. The packed kernel then halved per-sequence LibTorch attention in
    /// wall time on 2 threads (PackedAttentionKernelAB in the benchmarks): the LibTorch calls per text cost more to
    /// dispatch than the work they do.
    /// </remarks>
    public static Tensor SelfAttention(
        Tensor qkv,
        long heads,
        AttentionBatch batch,
        double dropout,
        bool training,
        AttentionImplementation implementation,
        Func<Tensor, Tensor>? rotate = null)
    {
        using var scope = torch.NewDisposeScope();
        if (batch.Packing?.PrefixLengths is { } lengths)
        {
            if (UsesPackedKernel(qkv, heads, batch, implementation, rotate))
            {
                return PackedSelfAttention.Apply(qkv, heads, lengths, training ? dropout : 0.0).MoveToOuterDisposeScope();
            }

            return PerSequence(qkv, heads, batch, lengths, dropout, training, implementation, rotate).MoveToOuterDisposeScope();
        }

        var padded = batch.ToPadded(qkv);
        var (rows, seq) = (padded.shape[0], padded.shape[1]);
        var split = padded.view(rows, seq, 3, heads, -1).permute(2, 0, 3, 1, 4);
        Tensor query = split[0], key = split[1], value = split[2];
        if (rotate is not null)
        {
            // RoPE runs in fp32 (HF's cos/sin are fp32); the kernel then gets q, k and v in one dtype.
            query = rotate(query).to(value.dtype);
            key = rotate(key).to(value.dtype);
        }

        var context = Compute(query, key, value, batch.AdditiveMask, dropout, training, implementation);
        return batch.ToStates(HeadSplit.Merge(context)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The packed kernel takes texts that attend to all their own tokens (a padding mask only, no rotary positions) when
    /// the implementation is left to us.
    /// </summary>
    private static bool UsesPackedKernel(Tensor qkv, long heads, AttentionBatch batch, AttentionImplementation implementation, Func<Tensor, Tensor>? rotate) =>
        implementation == AttentionImplementation.Auto && rotate is null && batch.AdditiveMask.shape[2] == 1 && PackedSelfAttention.Supports(qkv, heads);

    /// <summary>Each packed row on its own: its slice of q/k/v, its corner of the mask (the sliding window stays exact).</summary>
    private static Tensor PerSequence(
        Tensor qkv,
        long heads,
        AttentionBatch batch,
        long[] lengths,
        double dropout,
        bool training,
        AttentionImplementation implementation,
        Func<Tensor, Tensor>? rotate)
    {
        var outputs = new Tensor[lengths.Length];
        long start = 0;
        for (var row = 0; row < lengths.Length; row++)
        {
            // One scope per text: its views, rotated q/k and mask slice go as soon as its context is out (autograd keeps
            // what backward needs by itself).
            using var iteration = torch.NewDisposeScope();
            var n = lengths[row];
            var split = qkv.narrow(0, start, n).view(1, n, 3, heads, -1).permute(2, 0, 3, 1, 4);
            Tensor query = split[0], key = split[1], value = split[2];
            if (rotate is not null)
            {
                query = rotate(query).to(value.dtype);
                key = rotate(key).to(value.dtype);
            }

            // A padding mask is all zeros over a text's own slice (its real tokens are a prefix), so it is left out:
            // one op less per text, and SDPA may take its unmasked kernel. A sliding window keeps its corner.
            var mask = batch.AdditiveMask.shape[2] == 1 ? null : batch.AdditiveMask.narrow(0, row, 1).narrow(-1, 0, n).narrow(2, 0, n);
            var context = Compute(query, key, value, mask, dropout, training, implementation);
            outputs[row] = context.transpose(1, 2).reshape(n, -1).MoveToOuterDisposeScope();
            start += n;
        }

        return torch.cat(outputs, 0);
    }

    /// <summary>
    /// <paramref name="query"/>, <paramref name="key"/>, <paramref name="value"/> are <c>[batch, heads, seq, head_dim]</c>;
    /// <paramref name="additiveMask"/> broadcasts to <c>[batch, heads, seq, seq]</c> and holds 0 or <see cref="MaskValue"/>;
    /// null masks nothing.
    /// The result has the dtype of <paramref name="value"/>: bf16 projections attend in bf16, as HF's autocast does.
    /// </summary>
    public static Tensor Compute(
        Tensor query,
        Tensor key,
        Tensor value,
        Tensor? additiveMask,
        double dropout,
        bool training,
        AttentionImplementation implementation)
    {
        using var scope = torch.NewDisposeScope();
        var p = training ? dropout : 0.0;
        var mask = additiveMask is null || additiveMask.dtype == query.dtype ? additiveMask : additiveMask.to(query.dtype);
        if (implementation == AttentionImplementation.Sdpa || (implementation == AttentionImplementation.Auto && p == 0 && !PrefersEager(query)))
        {
            return nn.functional.scaled_dot_product_attention(query, key, value, mask, p).MoveToOuterDisposeScope();
        }

        var scale = 1.0 / Math.Sqrt(query.shape[^1]);
        var scores = torch.matmul(query, key.transpose(-1, -2)).mul_(scale);
        if (mask is not null)
        {
            scores.add_(mask);
        }

        var weights = scores.dtype == ScalarType.Float32 ? scores.softmax(-1) : scores.softmax(-1, ScalarType.Float32).to(scores.dtype);
        if (p > 0)
        {
            weights = HashDropout.Apply(weights, p);
        }

        return torch.matmul(weights, value).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// bf16 on a CPU: LibTorch's SDPA kernel is slower there than the explicit path. Measured at all-MiniLM-L6-v2's shape
    /// on fortunes batches (Bf16Profile in the benchmarks, forward + backward, one thread): SDPA bf16 399 ms, eager bf16
    /// 142 ms, SDPA fp32 186 ms, eager fp32 251 ms.
    /// </summary>
    private static bool PrefersEager(Tensor query) => query.dtype != ScalarType.Float32 && query.device_type == DeviceType.CPU;

    /// <summary>
    /// The HF extended mask <c>[batch, 1, 1, seq]</c>: 0 where <paramref name="attentionMask"/> is 1, <see cref="MaskValue"/>
    /// where it is 0 (padded keys).
    /// </summary>
    public static Tensor PaddingMask(Tensor attentionMask)
    {
        using var scope = torch.NewDisposeScope();
        var keep = attentionMask.to(ScalarType.Float32).unsqueeze(1).unsqueeze(1);
        return (1.0f - keep).mul_(MaskValue).MoveToOuterDisposeScope();
    }
}
