using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BertFineTune.Models.Layers;

/// <summary>
/// A stack <c>layer.0 … layer.N-1</c> of blocks that each take the hidden states and the additive attention mask:
/// BERT's <c>BertEncoder</c> and DistilBERT's <c>Transformer</c> are this module under their HF names.
/// </summary>
public abstract class LayerStack<TLayer> : nn.Module<Tensor, Tensor, Tensor>
    where TLayer : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly ModuleList<TLayer> layer;

    protected LayerStack(string name, int count, Func<TLayer> create)
        : base(name)
    {
        layer = nn.ModuleList(Enumerable.Range(0, count).Select(_ => create()).ToArray());
        register_module(nameof(layer), layer);
    }

    /// <summary>Whether every block runs unpadded (<see cref="IUnpaddedLayer"/>), so packed states may be passed in.</summary>
    public bool SupportsUnpadded => layer.All(block => block is IUnpaddedLayer);

    /// <summary>The padded path: <paramref name="hidden"/> <c>[batch, seq, hidden]</c> and the extended padding mask.</summary>
    public override Tensor forward(Tensor hidden, Tensor additiveMask) => forward(hidden, new AttentionBatch(additiveMask));

    /// <summary>States in the layout of <paramref name="batch"/>: packed only when every block supports it.</summary>
    public Tensor forward(Tensor hidden, AttentionBatch batch)
    {
        if (batch.IsPacked && !SupportsUnpadded)
        {
            throw new InvalidOperationException($"{GetName()} has blocks that only run padded; pass padded states.");
        }

        using var scope = torch.NewDisposeScope();
        var current = hidden;
        foreach (var block in layer)
        {
            current = block is IUnpaddedLayer unpadded ? unpadded.forward(current, batch) : block.forward(current, batch.AdditiveMask);
        }

        return current.MoveToOuterDisposeScope();
    }
}
