namespace BertFineTune.Models.Layers;

/// <summary>How the softmax(QKᵀ/√d + mask)·V core of self-attention is computed. All give the same result within float rounding.</summary>
public enum AttentionImplementation
{
    /// <summary>
    /// Packed texts that only mask padding (BERT, DistilBERT, RoBERTa, ELECTRA unpadded) attend in the packed kernel
    /// (<see cref="PackedAttention.PackedSelfAttention"/>), fp32 arithmetic for fp32 and bf16 projections alike. Otherwise
    /// <see cref="Sdpa"/> when no attention dropout is active (inference, or dropout 0) and q/k/v are fp32 (or not on a CPU),
    /// else <see cref="Eager"/>: measured on CPU, SDPA is faster without dropout and slower with it, where LibTorch falls
    /// back to its math kernel, and its bf16 kernel is 2.8x slower than eager bf16.
    /// </summary>
    Auto,

    /// <summary>LibTorch's fused <c>scaled_dot_product_attention</c> (its default scale is 1/√head_dim, as every family here uses).</summary>
    Sdpa,

    /// <summary>Explicit matmul → add mask → softmax → dropout → matmul, as HF's eager attention.</summary>
    Eager,
}
