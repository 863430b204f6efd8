using BertFineTune.Models.Configuration;
using BertFineTune.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

#pragma warning disable SA1402, SA1649 // One file per architecture, mirroring modeling_modernbert.py.

namespace BertFineTune.Models;

/// <summary><c>ModernBertEmbeddings</c>: tok_embeddings → norm → drop (no position embeddings; RoPE is in attention).</summary>
public sealed class ModernBertEmbeddings : nn.Module<Tensor, Tensor>
{
    private readonly Embedding tok_embeddings;
    private readonly HfLayerNorm norm;
    private readonly HashDropout drop;

    public ModernBertEmbeddings(ModernBertConfig config)
        : base(nameof(ModernBertEmbeddings))
    {
        tok_embeddings = WordEmbeddings.Create(config.VocabSize, config.HiddenSize, config.PadTokenId);
        norm = new HfLayerNorm(config.HiddenSize, config.NormEps, config.NormBias);
        drop = new HashDropout(config.EmbeddingDropout);
        register_module(nameof(tok_embeddings), tok_embeddings);
        register_module(nameof(norm), norm);
        register_module(nameof(drop), drop);
    }

    public override Tensor forward(Tensor inputIds) => forward(inputIds, null);

    /// <summary>Padded <c>[batch, seq, hidden]</c>, or <c>[tokens, hidden]</c> for the real tokens of <paramref name="packing"/>.</summary>
    public Tensor forward(Tensor inputIds, PackedSequences? packing)
    {
        using var scope = torch.NewDisposeScope();
        var ids = packing?.Pack(inputIds) ?? inputIds;
        return drop.forward(norm.forward(WordEmbeddings.Lookup(tok_embeddings, ids))).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The masks (with the batch's packing, if any) and rotary tables one forward pass shares across layers. Both masks are
/// over the padded grid, so the sliding window keeps <c>|i − j| ≤ local_attention / 2</c> exactly when the states are packed.
/// </summary>
public sealed record ModernBertLayerContext(AttentionBatch Global, AttentionBatch SlidingWindow, (Tensor Cos, Tensor Sin) GlobalRope, (Tensor Cos, Tensor Sin) LocalRope);

/// <summary><c>ModernBertAttention</c>: fused Wqkv, RoPE (global or local θ), global or sliding-window attention, Wo, out_drop.</summary>
public sealed class ModernBertAttention : nn.Module<Tensor, ModernBertLayerContext, Tensor>, IAttentionModule
{
    private readonly MixedPrecisionLinear Wqkv;
    private readonly MixedPrecisionLinear Wo;
    private readonly HashDropout out_drop;
    private readonly long _heads;
    private readonly double _dropout;

    public ModernBertAttention(ModernBertConfig config, int layerId)
        : base(nameof(ModernBertAttention))
    {
        IsGlobal = config.IsGlobalLayer(layerId);
        _heads = config.NumAttentionHeads;
        _dropout = config.AttentionDropout;
        Wqkv = new MixedPrecisionLinear(config.HiddenSize, 3L * config.HiddenSize, config.AttentionBias);
        Wo = new MixedPrecisionLinear(config.HiddenSize, config.HiddenSize, config.AttentionBias);
        out_drop = new HashDropout(config.AttentionDropout);
        register_module(nameof(Wqkv), Wqkv);
        register_module(nameof(Wo), Wo);
        register_module(nameof(out_drop), out_drop);
    }

    /// <summary>Global attention (global θ, padding mask only) or local (local θ, sliding window).</summary>
    public bool IsGlobal { get; }

    public AttentionImplementation Implementation { get; set; } = AttentionDefaults.Implementation;

    /// <param name="hidden">Packed <c>[tokens, hidden]</c> or padded <c>[batch, seq, hidden]</c>, as the context's batches say.</param>
    /// <param name="context">Masks, packing and rotary tables of this forward pass.</param>
    public override Tensor forward(Tensor hidden, ModernBertLayerContext context)
    {
        using var scope = torch.NewDisposeScope();

        // Wqkv's output is [q | k | v], each heads × head_dim wide; RoPE rotates q and k by their padded column.
        var (cos, sin) = IsGlobal ? context.GlobalRope : context.LocalRope;
        var batch = IsGlobal ? context.Global : context.SlidingWindow;
        var attended = ScaledDotProductAttention.SelfAttention(
            Wqkv.forward(hidden), _heads, batch, _dropout, training, Implementation, x => Rotate(x, cos, sin));
        return out_drop.forward(Wo.forward(attended)).MoveToOuterDisposeScope();
    }

    // x is [batch, heads, n, head_dim] with positions 0…n−1: the whole padded grid, or one packed sequence.
    private static Tensor Rotate(Tensor x, Tensor cos, Tensor sin)
    {
        var n = x.shape[2];
        return n == cos.shape[0] ? RotaryEmbedding.Apply(x, cos, sin) : RotaryEmbedding.Apply(x, cos.narrow(0, 0, n), sin.narrow(0, 0, n));
    }
}

/// <summary><c>ModernBertMLP</c>: GeGLU. <c>Wi</c> gives [input | gate]; output <c>Wo(drop(act(input) · gate))</c>.</summary>
public sealed class ModernBertMLP : nn.Module<Tensor, Tensor>
{
    private readonly MixedPrecisionLinear Wi;
    private readonly HashDropout drop;
    private readonly MixedPrecisionLinear Wo;
    private readonly Func<Tensor, Tensor> _activation;

    public ModernBertMLP(ModernBertConfig config)
        : base(nameof(ModernBertMLP))
    {
        Wi = new MixedPrecisionLinear(config.HiddenSize, 2L * config.IntermediateSize, config.MlpBias);
        _activation = Activations.Resolve(config.HiddenActivation, config.Json.File, "hidden_activation");
        drop = new HashDropout(config.MlpDropout);
        Wo = new MixedPrecisionLinear(config.IntermediateSize, config.HiddenSize, config.MlpBias);
        register_module(nameof(Wi), Wi);
        register_module(nameof(drop), drop);
        register_module(nameof(Wo), Wo);
    }

    public override Tensor forward(Tensor hidden)
    {
        using var scope = torch.NewDisposeScope();
        var halves = Wi.forward(hidden).chunk(2, -1);
        return Wo.forward(drop.forward(_activation(halves[0]) * halves[1])).MoveToOuterDisposeScope();
    }
}

/// <summary><c>ModernBertEncoderLayer</c>: pre-norm attention and MLP with residuals; layer 0's attn_norm is Identity.</summary>
public sealed class ModernBertEncoderLayer : nn.Module<Tensor, ModernBertLayerContext, Tensor>
{
    private readonly HfLayerNorm? attn_norm;
    private readonly ModernBertAttention attn;
    private readonly HfLayerNorm mlp_norm;
    private readonly ModernBertMLP mlp;

    public ModernBertEncoderLayer(ModernBertConfig config, int layerId)
        : base(nameof(ModernBertEncoderLayer))
    {
        if (layerId != 0)
        {
            attn_norm = new HfLayerNorm(config.HiddenSize, config.NormEps, config.NormBias);
            register_module(nameof(attn_norm), attn_norm);
        }

        attn = new ModernBertAttention(config, layerId);
        mlp_norm = new HfLayerNorm(config.HiddenSize, config.NormEps, config.NormBias);
        mlp = new ModernBertMLP(config);
        register_module(nameof(attn), attn);
        register_module(nameof(mlp_norm), mlp_norm);
        register_module(nameof(mlp), mlp);
    }

    public override Tensor forward(Tensor hidden, ModernBertLayerContext context)
    {
        using var scope = torch.NewDisposeScope();
        var normed = attn_norm?.forward(hidden) ?? hidden;
        var afterAttention = hidden + attn.forward(normed, context);
        return (afterAttention + mlp.forward(mlp_norm.forward(afterAttention))).MoveToOuterDisposeScope();
    }
}

/// <summary><c>ModernBertModel</c> (eager, padded path): embeddings, layers, final_norm.</summary>
public sealed class ModernBertModel : nn.Module<ModelInputs, Tensor>
{
    private readonly ModernBertEmbeddings embeddings;
    private readonly ModuleList<ModernBertEncoderLayer> layers;
    private readonly HfLayerNorm final_norm;
    private readonly ModernBertConfig _config;

    public ModernBertModel(ModernBertConfig config)
        : base(nameof(ModernBertModel))
    {
        _config = config;
        embeddings = new ModernBertEmbeddings(config);
        layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(i => new ModernBertEncoderLayer(config, i)).ToArray());
        final_norm = new HfLayerNorm(config.HiddenSize, config.NormEps, config.NormBias);
        register_module(nameof(embeddings), embeddings);
        register_module(nameof(layers), layers);
        register_module(nameof(final_norm), final_norm);
    }

    /// <summary>
    /// The additive masks <c>[batch, 1, seq, seq]</c>: global = <see cref="ScaledDotProductAttention.MaskValue"/> at padded
    /// keys; sliding window = also where <c>|i − j| &gt; local_attention / 2</c>.
    /// </summary>
    public static (Tensor Global, Tensor SlidingWindow) Masks(Tensor attentionMask, int localAttention)
    {
        using var scope = torch.NewDisposeScope();
        var seq = attentionMask.shape[1];
        var global = ScaledDotProductAttention.PaddingMask(attentionMask).expand(-1, 1, seq, -1).contiguous();
        var rows = torch.arange(seq, dtype: ScalarType.Int64, device: attentionMask.device);
        var outside = (rows.unsqueeze(0) - rows.unsqueeze(1)).abs().gt(localAttention / 2);
        var sliding = global.masked_fill(outside.unsqueeze(0).unsqueeze(0), ScaledDotProductAttention.MaskValue);
        return (global.MoveToOuterDisposeScope(), sliding.MoveToOuterDisposeScope());
    }

    /// <summary>The last hidden state after <c>final_norm</c>, <c>[batch, seq, hidden]</c> (padded path).</summary>
    public override Tensor forward(ModelInputs inputs) => Encode(inputs, null);

    /// <summary>The last hidden state after <c>final_norm</c>: <c>[tokens, hidden]</c> when <paramref name="packing"/> is given, else padded.</summary>
    public Tensor Encode(ModelInputs inputs, PackedSequences? packing)
    {
        using var scope = torch.NewDisposeScope();
        var seq = inputs.InputIds.shape[1];
        var device = inputs.InputIds.device;
        var (global, sliding) = Masks(inputs.AttentionMask, _config.LocalAttention);
        var context = new ModernBertLayerContext(
            new AttentionBatch(global, packing),
            new AttentionBatch(sliding, packing),
            RotaryEmbedding.CosSin(seq, _config.HeadDim, _config.GlobalRopeTheta, device),
            RotaryEmbedding.CosSin(seq, _config.HeadDim, _config.LocalRopeTheta, device));
        var hidden = embeddings.forward(inputs.InputIds, packing);
        foreach (var layer in layers)
        {
            hidden = layer.forward(hidden, context);
        }

        return final_norm.forward(hidden).MoveToOuterDisposeScope();
    }
}

/// <summary><c>ModernBertPredictionHead</c>: dense → classifier_activation → norm.</summary>
public sealed class ModernBertPredictionHead : nn.Module<Tensor, Tensor>
{
    private readonly MixedPrecisionLinear dense;
    private readonly HfLayerNorm norm;
    private readonly Func<Tensor, Tensor> _activation;

    public ModernBertPredictionHead(ModernBertConfig config)
        : base(nameof(ModernBertPredictionHead))
    {
        dense = new MixedPrecisionLinear(config.HiddenSize, config.HiddenSize, config.ClassifierBias);
        _activation = Activations.Resolve(config.ClassifierActivation, config.Json.File, "classifier_activation");
        norm = new HfLayerNorm(config.HiddenSize, config.NormEps, config.NormBias);
        register_module(nameof(dense), dense);
        register_module(nameof(norm), norm);
    }

    public override Tensor forward(Tensor hidden)
    {
        using var scope = torch.NewDisposeScope();
        return norm.forward(_activation(dense.forward(hidden))).MoveToOuterDisposeScope();
    }
}

/// <summary><c>ModernBertForSequenceClassification</c>: model, pooling (cls or masked mean), head, drop, classifier.</summary>
public sealed class ModernBertForSequenceClassification : HfSequenceClassifier
{
    private readonly ModernBertModel model;
    private readonly ModernBertPredictionHead head;
    private readonly HashDropout drop;
    private readonly MixedPrecisionLinear classifier;

    public ModernBertForSequenceClassification(ModernBertConfig config)
        : base(nameof(ModernBertForSequenceClassification), config)
    {
        Config = config;
        model = new ModernBertModel(config);
        head = new ModernBertPredictionHead(config);
        drop = new HashDropout(config.ClassifierDropout);
        classifier = new MixedPrecisionLinear(config.HiddenSize, config.Labels.Count);
        register_module(nameof(model), model);
        register_module(nameof(head), head);
        register_module(nameof(drop), drop);
        register_module(nameof(classifier), classifier);
    }

    public ModernBertConfig Config { get; }

    public override string LabelLayerWeight => "classifier.weight";

    public override int MaxSequenceLength => Config.MaxPositionEmbeddings;

    public override bool UsesTokenTypeIds => false;

    protected override string BasePrefix => "model.";

    protected override IReadOnlyList<string> HeadPrefixes { get; } = ["head.", "classifier."];

    /// <summary>ModernBertForMaskedLM's decoder; its <c>head.*</c> is loaded as ours, as transformers does.</summary>
    protected override IReadOnlyList<string> IgnoredCheckpointPrefixes { get; } = ["decoder."];

    public override bool SupportsUnpadded => true;

    public override Tensor ForwardHidden(ModelInputs inputs)
    {
        using var scope = torch.NewDisposeScope();
        var packing = PackFor(inputs);
        var hidden = model.Encode(inputs, packing);
        return (packing?.Unpack(hidden) ?? hidden).MoveToOuterDisposeScope();
    }

    public override Tensor forward(ModelInputs inputs)
    {
        using var scope = torch.NewDisposeScope();
        var packing = PackFor(inputs);
        var hidden = model.Encode(inputs, packing);
        Tensor pooled;
        if (Config.ClassifierPooling == "cls")
        {
            pooled = packing?.FirstTokenStates(hidden) ?? hidden.select(1, 0);
        }
        else
        {
            // The masked mean over the padded grid (zeros at pads when packed): the padded path's sums, term for term.
            var padded = packing?.Unpack(hidden) ?? hidden;
            var mask = inputs.AttentionMask.to(padded.dtype).unsqueeze(-1);
            pooled = (padded * mask).sum(1) / mask.sum(1);
        }

        return Logits(classifier.forward(drop.forward(head.forward(pooled)))).MoveToOuterDisposeScope();
    }

    /// <summary>ModernBERT's own init: truncated normal (± cutoff·σ), σ = range/√(2·layers) for head.dense, hidden^-½ for classifier.</summary>
    internal override void InitializeFresh(string name, Parameter parameter, Generator? generator)
    {
        if (parameter.dim() != 2)
        {
            base.InitializeFresh(name, parameter, generator);
            return;
        }

        var std = name.StartsWith("classifier.", StringComparison.Ordinal)
            ? Math.Pow(Config.HiddenSize, -0.5)
            : Config.InitializerRange / Math.Sqrt(2.0 * Config.NumHiddenLayers);
        var cutoff = Config.InitializerCutoffFactor * std;
        Initializers.TruncatedNormal(parameter, std, -cutoff, cutoff, generator);
    }
}
