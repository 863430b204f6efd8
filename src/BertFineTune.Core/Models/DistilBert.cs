using BertFineTune.Models.Configuration;
using BertFineTune.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

#pragma warning disable SA1402, SA1649 // One file per architecture, mirroring modeling_distilbert.py.

namespace BertFineTune.Models;

/// <summary>DistilBERT <c>Embeddings</c>: word + position (learned, or the fixed sinusoidal table), LayerNorm, dropout.</summary>
public sealed class DistilBertEmbeddings : nn.Module<Tensor, Tensor>
{
    private readonly Embedding word_embeddings;
    private readonly Embedding position_embeddings;
    private readonly HfLayerNorm LayerNorm;
    private readonly HashDropout dropout;

    public DistilBertEmbeddings(DistilBertConfig config)
        : base("Embeddings")
    {
        word_embeddings = WordEmbeddings.Create(config.VocabSize, config.HiddenSize, config.PadTokenId);
        position_embeddings = nn.Embedding(config.MaxPositionEmbeddings, config.HiddenSize);
        if (config.SinusoidalPosEmbds)
        {
            using var noGrad = torch.no_grad();
            using var table = SinusoidalTable(config.MaxPositionEmbeddings, config.HiddenSize);
            position_embeddings.weight!.copy_(table);
            position_embeddings.weight.requires_grad = false;
        }

        LayerNorm = new HfLayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = new HashDropout(config.Dropout);
        register_module(nameof(word_embeddings), word_embeddings);
        register_module(nameof(position_embeddings), position_embeddings);
        register_module(nameof(LayerNorm), LayerNorm);
        register_module(nameof(dropout), dropout);
    }

    /// <summary>HF's <c>create_sinusoidal_embeddings</c>: sin on even columns, cos on odd, angle pos / 10000^(2⌊j/2⌋/dim), in float64.</summary>
    public static Tensor SinusoidalTable(int positions, int dim)
    {
        var values = new double[positions * dim];
        for (var pos = 0; pos < positions; pos++)
        {
            for (var j = 0; j < dim; j++)
            {
                var angle = pos / Math.Pow(10000, 2.0 * (j / 2) / dim);
                values[(pos * dim) + j] = j % 2 == 0 ? Math.Sin(angle) : Math.Cos(angle);
            }
        }

        using var table = torch.tensor(values, [positions, dim]);
        return table.to(ScalarType.Float32);
    }

    public override Tensor forward(Tensor inputIds) => forward(inputIds, null);

    /// <summary>Padded <c>[batch, seq, hidden]</c>, or <c>[tokens, hidden]</c> for the real tokens of <paramref name="packing"/>.</summary>
    public Tensor forward(Tensor inputIds, PackedSequences? packing)
    {
        using var scope = torch.NewDisposeScope();
        var ids = inputIds;
        var positions = torch.arange(inputIds.shape[1], dtype: ScalarType.Int64, device: inputIds.device).unsqueeze(0);
        if (packing is not null)
        {
            (ids, positions) = (packing.Pack(ids), packing.Pack(positions.expand_as(inputIds)));
        }

        var sum = WordEmbeddings.Lookup(word_embeddings, ids) + position_embeddings.forward(positions);
        return dropout.forward(LayerNorm.forward(sum)).MoveToOuterDisposeScope();
    }
}

/// <summary><c>MultiHeadSelfAttention</c>: q_lin, k_lin, v_lin (one fused matmul), out_lin; packed or padded states.</summary>
public sealed class MultiHeadSelfAttention : nn.Module<Tensor, AttentionBatch, Tensor>, IAttentionModule
{
    private readonly MixedPrecisionLinear q_lin;
    private readonly MixedPrecisionLinear k_lin;
    private readonly MixedPrecisionLinear v_lin;
    private readonly MixedPrecisionLinear out_lin;
    private readonly long _heads;
    private readonly double _dropout;

    public MultiHeadSelfAttention(DistilBertConfig config)
        : base(nameof(MultiHeadSelfAttention))
    {
        q_lin = new MixedPrecisionLinear(config.HiddenSize, config.HiddenSize);
        k_lin = new MixedPrecisionLinear(config.HiddenSize, config.HiddenSize);
        v_lin = new MixedPrecisionLinear(config.HiddenSize, config.HiddenSize);
        out_lin = new MixedPrecisionLinear(config.HiddenSize, config.HiddenSize);
        _heads = config.NumAttentionHeads;
        _dropout = config.AttentionDropout;
        register_module(nameof(q_lin), q_lin);
        register_module(nameof(k_lin), k_lin);
        register_module(nameof(v_lin), v_lin);
        register_module(nameof(out_lin), out_lin);
    }

    public AttentionImplementation Implementation { get; set; } = AttentionDefaults.Implementation;

    public override Tensor forward(Tensor hidden, AttentionBatch batch)
    {
        using var scope = torch.NewDisposeScope();
        var qkv = MixedPrecisionLinear.ForwardFused([q_lin, k_lin, v_lin], hidden);
        var context = ScaledDotProductAttention.SelfAttention(qkv, _heads, batch, _dropout, training, Implementation);
        return out_lin.forward(context).MoveToOuterDisposeScope();
    }
}

/// <summary>DistilBERT <c>FFN</c>: lin1, activation, lin2, dropout.</summary>
public sealed class DistilBertFFN : nn.Module<Tensor, Tensor>
{
    private readonly MixedPrecisionLinear lin1;
    private readonly MixedPrecisionLinear lin2;
    private readonly HashDropout dropout;
    private readonly Func<Tensor, Tensor> _activation;

    public DistilBertFFN(DistilBertConfig config)
        : base("FFN")
    {
        lin1 = new MixedPrecisionLinear(config.HiddenSize, config.HiddenDim);
        lin2 = new MixedPrecisionLinear(config.HiddenDim, config.HiddenSize);
        dropout = new HashDropout(config.Dropout);
        _activation = Activations.Resolve(config.Activation, config.Json.File, "activation");
        register_module(nameof(dropout), dropout);
        register_module(nameof(lin1), lin1);
        register_module(nameof(lin2), lin2);
    }

    public override Tensor forward(Tensor hidden)
    {
        using var scope = torch.NewDisposeScope();
        return dropout.forward(lin2.forward(_activation(lin1.forward(hidden)))).MoveToOuterDisposeScope();
    }
}

/// <summary><c>TransformerBlock</c>: attention, sa_layer_norm (post-norm), ffn, output_layer_norm; packed or padded states.</summary>
public sealed class TransformerBlock : nn.Module<Tensor, Tensor, Tensor>, IUnpaddedLayer
{
    private readonly MultiHeadSelfAttention attention;
    private readonly HfLayerNorm sa_layer_norm;
    private readonly DistilBertFFN ffn;
    private readonly HfLayerNorm output_layer_norm;

    public TransformerBlock(DistilBertConfig config)
        : base(nameof(TransformerBlock))
    {
        attention = new MultiHeadSelfAttention(config);
        sa_layer_norm = new HfLayerNorm(config.HiddenSize, config.LayerNormEps);
        ffn = new DistilBertFFN(config);
        output_layer_norm = new HfLayerNorm(config.HiddenSize, config.LayerNormEps);
        register_module(nameof(attention), attention);
        register_module(nameof(sa_layer_norm), sa_layer_norm);
        register_module(nameof(ffn), ffn);
        register_module(nameof(output_layer_norm), output_layer_norm);
    }

    public override Tensor forward(Tensor hidden, Tensor additiveMask) => forward(hidden, new AttentionBatch(additiveMask));

    public Tensor forward(Tensor hidden, AttentionBatch batch)
    {
        using var scope = torch.NewDisposeScope();
        var attended = sa_layer_norm.forward(attention.forward(hidden, batch) + hidden);
        return output_layer_norm.forward(ffn.forward(attended) + attended).MoveToOuterDisposeScope();
    }
}

/// <summary>DistilBERT <c>Transformer</c>: <c>layer.0 … layer.N-1</c>.</summary>
public sealed class DistilBertTransformer(DistilBertConfig config)
    : LayerStack<TransformerBlock>("Transformer", config.NumHiddenLayers, () => new TransformerBlock(config));

/// <summary><c>DistilBertModel</c>: embeddings + transformer; returns the last hidden state.</summary>
public sealed class DistilBertModel : nn.Module<ModelInputs, Tensor>
{
    private readonly DistilBertEmbeddings embeddings;
    private readonly DistilBertTransformer transformer;

    public DistilBertModel(DistilBertConfig config)
        : base(nameof(DistilBertModel))
    {
        embeddings = new DistilBertEmbeddings(config);
        transformer = new DistilBertTransformer(config);
        register_module(nameof(embeddings), embeddings);
        register_module(nameof(transformer), transformer);
    }

    public override Tensor forward(ModelInputs inputs) => Encode(inputs, null);

    /// <summary>The last hidden state: <c>[tokens, hidden]</c> when <paramref name="packing"/> is given, else padded.</summary>
    public Tensor Encode(ModelInputs inputs, PackedSequences? packing)
    {
        using var scope = torch.NewDisposeScope();
        var batch = new AttentionBatch(ScaledDotProductAttention.PaddingMask(inputs.AttentionMask), packing);
        return transformer.forward(embeddings.forward(inputs.InputIds, packing), batch).MoveToOuterDisposeScope();
    }
}

/// <summary><c>DistilBertForSequenceClassification</c>: first token → pre_classifier → ReLU → dropout → classifier.</summary>
public sealed class DistilBertForSequenceClassification : HfSequenceClassifier
{
    private readonly DistilBertModel distilbert;
    private readonly MixedPrecisionLinear pre_classifier;
    private readonly MixedPrecisionLinear classifier;
    private readonly HashDropout dropout;

    public DistilBertForSequenceClassification(DistilBertConfig config)
        : base(nameof(DistilBertForSequenceClassification), config)
    {
        Config = config;
        distilbert = new DistilBertModel(config);
        pre_classifier = new MixedPrecisionLinear(config.HiddenSize, config.HiddenSize);
        classifier = new MixedPrecisionLinear(config.HiddenSize, config.Labels.Count);
        dropout = new HashDropout(config.SeqClassifDropout);
        register_module(nameof(distilbert), distilbert);
        register_module(nameof(pre_classifier), pre_classifier);
        register_module(nameof(classifier), classifier);
        register_module(nameof(dropout), dropout);
    }

    public DistilBertConfig Config { get; }

    public override string LabelLayerWeight => "classifier.weight";

    public override int MaxSequenceLength => Config.MaxPositionEmbeddings;

    public override bool UsesTokenTypeIds => false;

    protected override string BasePrefix => "distilbert.";

    protected override IReadOnlyList<string> HeadPrefixes { get; } = ["pre_classifier.", "classifier."];

    protected override IReadOnlyList<string> IgnoredCheckpointPrefixes { get; } = ["vocab_transform.", "vocab_layer_norm.", "vocab_projector."];

    public override bool SupportsUnpadded => true;

    public override Tensor ForwardHidden(ModelInputs inputs)
    {
        using var scope = torch.NewDisposeScope();
        var packing = PackFor(inputs);
        var hidden = distilbert.Encode(inputs, packing);
        return (packing?.Unpack(hidden) ?? hidden).MoveToOuterDisposeScope();
    }

    public override Tensor forward(ModelInputs inputs)
    {
        using var scope = torch.NewDisposeScope();
        var packing = PackFor(inputs);
        var hidden = distilbert.Encode(inputs, packing);
        var first = packing?.FirstTokenStates(hidden) ?? hidden.select(1, 0);
        var pooled = dropout.forward(nn.functional.relu(pre_classifier.forward(first)));
        return Logits(classifier.forward(pooled)).MoveToOuterDisposeScope();
    }
}
