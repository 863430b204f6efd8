using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BertFineTune.Models.Layers;

/// <summary>
/// The classification head of RoBERTa and ELECTRA (<c>RobertaClassificationHead</c>, <c>ElectraClassificationHead</c>):
/// first token, dropout, <c>dense</c>, activation, dropout, <c>out_proj</c>. Only the activation differs (tanh, GELU).
/// </summary>
public abstract class FirstTokenClassificationHead : nn.Module<Tensor, Tensor>
{
    private readonly MixedPrecisionLinear dense;
    private readonly HashDropout dropout;
    private readonly MixedPrecisionLinear out_proj;
    private readonly Func<Tensor, Tensor> _activation;

    /// <param name="name">The module's name.</param>
    /// <param name="hiddenSize">The width of the states and of <c>dense</c>.</param>
    /// <param name="labels">The number of labels (<c>out_proj</c>'s outputs).</param>
    /// <param name="dropoutProb">The dropout before <c>dense</c> and before <c>out_proj</c>.</param>
    /// <param name="activation">What follows <c>dense</c>.</param>
    protected FirstTokenClassificationHead(string name, int hiddenSize, int labels, double dropoutProb, Func<Tensor, Tensor> activation)
        : base(name)
    {
        dense = new MixedPrecisionLinear(hiddenSize, hiddenSize);
        dropout = new HashDropout(dropoutProb);
        out_proj = new MixedPrecisionLinear(hiddenSize, labels);
        _activation = activation;
        register_module(nameof(dense), dense);
        register_module(nameof(dropout), dropout);
        register_module(nameof(out_proj), out_proj);
    }

    /// <summary>Classifies <c>[batch, seq, hidden]</c> features by their first token (HF's <c>features[:, 0, :]</c>).</summary>
    public override Tensor forward(Tensor features)
    {
        using var first = features.select(1, 0);
        return ClassifyFirstTokens(first);
    }

    /// <summary>Classifies the first tokens <c>[batch, hidden]</c> (from padded or packed states).</summary>
    public Tensor ClassifyFirstTokens(Tensor firstTokens)
    {
        using var scope = torch.NewDisposeScope();
        var x = dropout.forward(firstTokens);
        x = dropout.forward(_activation(dense.forward(x)));
        return out_proj.forward(x).MoveToOuterDisposeScope();
    }
}
