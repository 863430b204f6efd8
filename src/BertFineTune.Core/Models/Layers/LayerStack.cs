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

    public override Tensor forward(Tensor hidden, Tensor additiveMask)
    {
        using var scope = torch.NewDisposeScope();
        var current = hidden;
        foreach (var block in layer)
        {
            current = block.forward(current, additiveMask);
        }

        return current.MoveToOuterDisposeScope();
    }
}
