using static TorchSharp.torch;

namespace BertFineTune.Models.Layers;

/// <summary>
/// A transformer block that can run unpadded: it takes its states in the layout of an <see cref="AttentionBatch"/>
/// (packed <c>[tokens, hidden]</c> or padded <c>[batch, seq, hidden]</c>). Its position-wise parts are layout-blind;
/// its attention goes through <see cref="ScaledDotProductAttention.SelfAttention"/>, which attends one sequence at a
/// time (or re-pads q/k/v for masks with holes).
/// A block without this interface keeps the padded path (<see cref="LayerStack{TLayer}"/> never packs for it).
/// </summary>
public interface IUnpaddedLayer
{
    Tensor forward(Tensor hidden, AttentionBatch batch);
}
