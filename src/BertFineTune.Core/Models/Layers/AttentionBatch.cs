using static TorchSharp.torch;

namespace BertFineTune.Models.Layers;

/// <summary>
/// What self-attention needs besides the token states: the additive key mask of the padded batch and, when the states
/// are packed (<see cref="PackedSequences"/>), the layout to re-pad q/k/v for the kernel and pack its output again.
/// Without <see cref="Packing"/> the states are padded <c>[batch, seq, hidden]</c> and nothing is moved.
/// </summary>
/// <param name="AdditiveMask">Broadcastable to <c>[batch, heads, seq, seq]</c>; 0 where attention is allowed.</param>
/// <param name="Packing">The packing of the states, or null for padded states.</param>
public sealed record AttentionBatch(Tensor AdditiveMask, PackedSequences? Packing = null)
{
    public bool IsPacked => Packing is not null;

    /// <summary>Packed <c>[tokens, width]</c> → padded <c>[batch, seq, width]</c>; padded states pass through.</summary>
    public Tensor ToPadded(Tensor states) => Packing?.Unpack(states) ?? states.alias();

    /// <summary>Padded <c>[batch, seq, width]</c> → the layout of this batch's states.</summary>
    public Tensor ToStates(Tensor padded) => Packing?.Pack(padded) ?? padded.alias();
}
