using BertFineTune.Diagnostics;
using BertFineTune.Models.Configuration;
using BertFineTune.Models.Layers;
using BertFineTune.Models.Weights;
using BertFineTune.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

#pragma warning disable SA1402, SA1649 // One file per architecture, mirroring modeling_bert.py.

namespace BertFineTune.Models;

/// <summary>
/// <c>BertEmbeddings</c>: word + absolute position + token type, then LayerNorm and dropout, at <c>hidden_size</c>
/// (ELECTRA's embeddings are this module at <c>embedding_size</c>).
/// </summary>
public class BertEmbeddings : nn.Module<ModelInputs, Tensor>
{
    private readonly Embedding word_embeddings;
    private readonly Embedding position_embeddings;
    private readonly Embedding token_type_embeddings;
    private readonly HfLayerNorm LayerNorm;
    private readonly HashDropout dropout;

    public BertEmbeddings(BertConfig config)
        : this(nameof(BertEmbeddings), config, config.HiddenSize)
    {
    }

    /// <param name="name">The module's name.</param>
    /// <param name="config">Vocabulary, positions, token types, LayerNorm epsilon and dropout.</param>
    /// <param name="width">The width of every embedding and of the LayerNorm.</param>
    protected BertEmbeddings(string name, BertConfig config, int width)
        : base(name)
    {
        word_embeddings = WordEmbeddings.Create(config.VocabSize, width, config.PadTokenId);
        position_embeddings = nn.Embedding(config.MaxPositionEmbeddings, width);
        token_type_embeddings = nn.Embedding(config.TypeVocabSize, width);
        LayerNorm = new HfLayerNorm(width, config.LayerNormEps);
        dropout = new HashDropout(config.HiddenDropoutProb);
        register_module(nameof(word_embeddings), word_embeddings);
        register_module(nameof(position_embeddings), position_embeddings);
        register_module(nameof(token_type_embeddings), token_type_embeddings);
        register_module(nameof(LayerNorm), LayerNorm);
        register_module(nameof(dropout), dropout);
    }

    public override Tensor forward(ModelInputs inputs) => forward(inputs, null);

    /// <summary>Padded <c>[batch, seq, hidden]</c>, or <c>[tokens, hidden]</c> for the real tokens of <paramref name="packing"/>.</summary>
    public Tensor forward(ModelInputs inputs, PackedSequences? packing)
    {
        using var scope = torch.NewDisposeScope();
        var (ids, types, positions) = AbsolutePositionInputs(inputs, packing);
        var sum = WordEmbeddings.Lookup(word_embeddings, ids) + token_type_embeddings.forward(types) + position_embeddings.forward(positions);
        return dropout.forward(LayerNorm.forward(sum)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Token ids, token types (zeros when absent) and absolute positions <c>0 … seq-1</c>, packed with
    /// <paramref name="packing"/> when given (DeBERTa-v2's embeddings read the same). The tensors belong to the caller's
    /// dispose scope.
    /// </summary>
    internal static (Tensor Ids, Tensor Types, Tensor Positions) AbsolutePositionInputs(ModelInputs inputs, PackedSequences? packing)
    {
        var ids = inputs.InputIds;
        var positions = torch.arange(ids.shape[1], dtype: ScalarType.Int64, device: ids.device).unsqueeze(0);
        var types = inputs.TokenTypeIds ?? torch.zeros_like(ids);
        if (packing is not null)
        {
            // Each token keeps its padded column as its position.
            (ids, types, positions) = (packing.Pack(ids), packing.Pack(types), packing.Pack(positions.expand_as(inputs.InputIds)));
        }

        return (ids, types, positions);
    }
}

/// <summary>
/// <c>BertSelfAttention</c>: query/key/value projections (one fused <c>[3·hidden, hidden]</c> matmul over HF's three
/// parameters) and scaled dot-product attention over the padding mask, on packed or padded states.
/// </summary>
public sealed class BertSelfAttention : nn.Module<Tensor, AttentionBatch, Tensor>, IAttentionModule
{
    private readonly MixedPrecisionLinear query;
    private readonly MixedPrecisionLinear key;
    private readonly MixedPrecisionLinear value;
    private readonly long _heads;
    private readonly double _dropout;

    public BertSelfAttention(int hiddenSize, int heads, double attentionDropout)
        : base(nameof(BertSelfAttention))
    {
        query = new MixedPrecisionLinear(hiddenSize, hiddenSize);
        key = new MixedPrecisionLinear(hiddenSize, hiddenSize);
        value = new MixedPrecisionLinear(hiddenSize, hiddenSize);
        _heads = heads;
        _dropout = attentionDropout;
        register_module(nameof(query), query);
        register_module(nameof(key), key);
        register_module(nameof(value), value);
    }

    public AttentionImplementation Implementation { get; set; } = AttentionDefaults.Implementation;

    /// <param name="hidden"><c>[tokens, hidden]</c> or <c>[batch, seq, hidden]</c>, as <paramref name="batch"/> says.</param>
    /// <param name="batch">The padding mask (<see cref="ScaledDotProductAttention.PaddingMask"/>) and packing.</param>
    public override Tensor forward(Tensor hidden, AttentionBatch batch)
    {
        using var scope = torch.NewDisposeScope();
        var qkv = MixedPrecisionLinear.ForwardFused([query, key, value], hidden);
        return ScaledDotProductAttention.SelfAttention(qkv, _heads, batch, _dropout, training, Implementation).MoveToOuterDisposeScope();
    }
}

/// <summary><c>BertSelfOutput</c> (and <c>BertOutput</c>'s shape): dense, dropout, residual LayerNorm.</summary>
public sealed class BertSelfOutput : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly MixedPrecisionLinear dense;
    private readonly HfLayerNorm LayerNorm;
    private readonly HashDropout dropout;

    public BertSelfOutput(int inFeatures, int hiddenSize, double eps, double dropoutProb)
        : base(nameof(BertSelfOutput))
    {
        dense = new MixedPrecisionLinear(inFeatures, hiddenSize);
        LayerNorm = new HfLayerNorm(hiddenSize, eps);
        dropout = new HashDropout(dropoutProb);
        register_module(nameof(dense), dense);
        register_module(nameof(LayerNorm), LayerNorm);
        register_module(nameof(dropout), dropout);
    }

    public override Tensor forward(Tensor hidden, Tensor residual)
    {
        using var scope = torch.NewDisposeScope();
        var projected = dropout.forward(dense.forward(hidden));
        return LayerNorm.forward(projected + residual).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// <c>BertAttention</c>'s module tree for any self-attention that takes <typeparamref name="TContext"/>: <c>self</c>, then
/// <c>output</c> (dense, dropout, residual LayerNorm). DeBERTa-v2 has the same tree around its disentangled attention.
/// </summary>
public abstract class BertAttention<TContext> : nn.Module<Tensor, TContext, Tensor>
{
    private readonly nn.Module<Tensor, TContext, Tensor> self;
    private readonly BertSelfOutput output;

    protected BertAttention(string name, nn.Module<Tensor, TContext, Tensor> selfAttention, int hiddenSize, double eps, double dropoutProb)
        : base(name)
    {
        self = selfAttention;
        output = new BertSelfOutput(hiddenSize, hiddenSize, eps, dropoutProb);
        register_module(nameof(self), self);
        register_module(nameof(output), output);
    }

    public override Tensor forward(Tensor hidden, TContext context)
    {
        using var attended = self.forward(hidden, context);
        return output.forward(attended, hidden);
    }
}

/// <summary><c>BertAttention</c>: <c>self</c> (<see cref="BertSelfAttention"/>) then <c>output</c>.</summary>
public sealed class BertAttention(BertConfig config)
    : BertAttention<AttentionBatch>(
        nameof(BertAttention),
        new BertSelfAttention(config.HiddenSize, config.NumAttentionHeads, config.AttentionProbsDropoutProb),
        config.HiddenSize,
        config.LayerNormEps,
        config.HiddenDropoutProb);

/// <summary>
/// <c>BertIntermediate</c>: dense to <c>intermediate_size</c> and <c>hidden_act</c> (DeBERTa-v2's
/// <c>DebertaV2Intermediate</c> is the same module, so it is built from sizes, not a BERT config).
/// </summary>
public sealed class BertIntermediate : nn.Module<Tensor, Tensor>
{
    private readonly MixedPrecisionLinear dense;
    private readonly Func<Tensor, Tensor> _activation;

    public BertIntermediate(int hiddenSize, int intermediateSize, Func<Tensor, Tensor> activation)
        : base(nameof(BertIntermediate))
    {
        dense = new MixedPrecisionLinear(hiddenSize, intermediateSize);
        _activation = activation;
        register_module(nameof(dense), dense);
    }

    public override Tensor forward(Tensor hidden)
    {
        using var projected = dense.forward(hidden);
        return _activation(projected);
    }
}

/// <summary>
/// <c>BertLayer</c>'s module tree around any attention that takes <typeparamref name="TContext"/>: <c>attention</c>,
/// <c>intermediate</c>, <c>output</c> (post-norm). DeBERTa-v2's layer is the same tree; <typeparamref name="TInput"/> is
/// what the layer's own forward takes (BERT's encoder hands it the additive mask).
/// </summary>
public abstract class BertLayer<TInput, TContext> : nn.Module<Tensor, TInput, Tensor>
{
    private readonly nn.Module<Tensor, TContext, Tensor> attention;
    private readonly BertIntermediate intermediate;
    private readonly BertSelfOutput output;

    protected BertLayer(string name, nn.Module<Tensor, TContext, Tensor> attentionModule, TransformerEncoderConfig config)
        : base(name)
    {
        attention = attentionModule;
        intermediate = new BertIntermediate(
            config.HiddenSize, config.IntermediateSize, Activations.Resolve(config.HiddenAct, config.Json.File, "hidden_act"));
        output = new BertSelfOutput(config.IntermediateSize, config.HiddenSize, config.LayerNormEps, config.HiddenDropoutProb);
        register_module(nameof(attention), attention);
        register_module(nameof(intermediate), intermediate);
        register_module(nameof(output), output);
    }

    /// <summary>Attention, then intermediate and output with the residual; on packed or padded states.</summary>
    protected Tensor ForwardLayer(Tensor hidden, TContext context)
    {
        using var scope = torch.NewDisposeScope();
        var attended = attention.forward(hidden, context);
        return output.forward(intermediate.forward(attended), attended).MoveToOuterDisposeScope();
    }
}

/// <summary><c>BertLayer</c>: attention, intermediate, output (post-norm); runs on packed or padded states.</summary>
public sealed class BertLayer(BertConfig config)
    : BertLayer<Tensor, AttentionBatch>(nameof(BertLayer), new BertAttention(config), config), IUnpaddedLayer
{
    public override Tensor forward(Tensor hidden, Tensor additiveMask) => forward(hidden, new AttentionBatch(additiveMask));

    public Tensor forward(Tensor hidden, AttentionBatch batch) => ForwardLayer(hidden, batch);
}

/// <summary><c>BertEncoder</c>: the stack <c>layer.0 … layer.N-1</c> (RoBERTa's encoder is the same module tree).</summary>
public sealed class BertEncoder(BertConfig config)
    : LayerStack<BertLayer>(nameof(BertEncoder), config.NumHiddenLayers, () => new BertLayer(config));

/// <summary><c>BertPooler</c>: dense + tanh of the first token.</summary>
public sealed class BertPooler : nn.Module<Tensor, Tensor>
{
    private readonly MixedPrecisionLinear dense;

    public BertPooler(int hiddenSize)
        : base(nameof(BertPooler))
    {
        dense = new MixedPrecisionLinear(hiddenSize, hiddenSize);
        register_module(nameof(dense), dense);
    }

    /// <summary>Pools <c>[batch, seq, hidden]</c> states (HF's <c>hidden_states[:, 0]</c>).</summary>
    public override Tensor forward(Tensor hidden)
    {
        using var first = hidden.select(1, 0);
        return PoolFirstTokens(first);
    }

    /// <summary>Pools the first tokens <c>[batch, hidden]</c> (from padded or packed states).</summary>
    public Tensor PoolFirstTokens(Tensor firstTokens)
    {
        using var scope = torch.NewDisposeScope();
        return dense.forward(firstTokens).tanh().MoveToOuterDisposeScope();
    }
}

/// <summary>
/// <c>BertModel</c>: embeddings, encoder and (optionally) pooler. Usable headless, e.g. for sentence embeddings from an
/// all-MiniLM-L6-v2 folder whose keys have no <c>bert.</c> prefix.
/// </summary>
public sealed class BertModel : nn.Module<ModelInputs, Tensor>, ICheckpointLayout
{
    private readonly BertEmbeddings embeddings;
    private readonly BertEncoder encoder;
    private readonly BertPooler? pooler;

    public BertModel(BertConfig config, bool addPoolingLayer = true)
        : base(nameof(BertModel))
    {
        Config = config;
        embeddings = new BertEmbeddings(config);
        encoder = new BertEncoder(config);
        register_module(nameof(embeddings), embeddings);
        register_module(nameof(encoder), encoder);
        if (addPoolingLayer)
        {
            pooler = new BertPooler(config.HiddenSize);
            register_module(nameof(pooler), pooler);
        }
    }

    public BertConfig Config { get; }

    string ICheckpointLayout.BasePrefix => string.Empty;

    IReadOnlyList<string> ICheckpointLayout.HeadPrefixes { get; } = ["pooler."];

    IReadOnlyList<string> ICheckpointLayout.IgnoredCheckpointPrefixes { get; } = ["cls.", "classifier."];

    string? ICheckpointLayout.StrippedPrefix => "bert.";

    /// <summary>
    /// Loads the encoder of a <c>bert</c> folder headless, in eval mode: keys with or without <c>bert.</c>, task and
    /// pre-training heads skipped. A missing pooler is created with HF's init (normal, std <c>initializer_range</c>).
    /// </summary>
    public static (BertModel Model, ModelLoadReport Report) FromPretrained(string directory, long? seed = null)
    {
        TorchNativeLoader.EnsureLoaded();
        var json = ConfigJson.Load(directory);
        var modelType = json.String("model_type");
        if (modelType != "bert")
        {
            throw new UserErrorException(
                ModelErrors.UnknownModelType,
                $"a headless BertModel needs model_type 'bert', not '{modelType}'.",
                json.File,
                key: "model_type");
        }

        var config = BertConfig.Parse(json, modelType);
        var model = new BertModel(config);
        try
        {
            using var generator = seed is { } s ? new Generator((ulong)s, torch.CPU) : null;
            using var checkpoint = CheckpointReader.Read(directory);
            var match = CheckpointMatcher.Apply(model, model, checkpoint, allowFreshHead: true, (name, p) =>
            {
                using var noGrad = torch.no_grad();
                if (name.EndsWith(".bias", StringComparison.Ordinal))
                {
                    p.zero_();
                }
                else
                {
                    Initializers.Normal(p, config.InitializerRange, generator);
                }
            });
            model.eval();
            var report = new ModelLoadReport(
                Path.GetFullPath(directory),
                modelType,
                nameof(BertModel),
                checkpoint.Files,
                match.Fresh.Count == 0 ? HeadSource.Checkpoint : HeadSource.CreatedMissing,
                match.Fresh,
                match.Ignored,
                config.Labels,
                config.Labels);
            return (model, report);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The last hidden state <c>[batch, seq, hidden]</c> (padded path).</summary>
    public override Tensor forward(ModelInputs inputs) => Encode(inputs, null);

    /// <summary>
    /// The last hidden state: <c>[tokens, hidden]</c> for the real tokens of <paramref name="packing"/>, or padded
    /// <c>[batch, seq, hidden]</c> when it is null.
    /// </summary>
    public Tensor Encode(ModelInputs inputs, PackedSequences? packing)
    {
        using var scope = torch.NewDisposeScope();
        var batch = new AttentionBatch(ScaledDotProductAttention.PaddingMask(inputs.AttentionMask), packing);
        return encoder.forward(embeddings.forward(inputs, packing), batch).MoveToOuterDisposeScope();
    }

    /// <summary>The pooled output (dense + tanh of <c>[CLS]</c>) of a last hidden state.</summary>
    public Tensor Pool(Tensor lastHiddenState) => Pooler.forward(lastHiddenState);

    /// <summary>The pooled output of the first tokens <c>[batch, hidden]</c>.</summary>
    public Tensor PoolFirstTokens(Tensor firstTokens) => Pooler.PoolFirstTokens(firstTokens);

    private BertPooler Pooler => pooler ?? throw new InvalidOperationException("This BertModel was built without a pooler.");
}

/// <summary><c>BertForSequenceClassification</c>: <c>bert</c> (with pooler), dropout, <c>classifier</c>.</summary>
public sealed class BertForSequenceClassification : HfSequenceClassifier
{
    private readonly BertModel bert;
    private readonly HashDropout dropout;
    private readonly MixedPrecisionLinear classifier;

    public BertForSequenceClassification(BertConfig config)
        : base(nameof(BertForSequenceClassification), config)
    {
        bert = new BertModel(config);
        dropout = new HashDropout(config.ClassifierDropout ?? config.HiddenDropoutProb);
        classifier = new MixedPrecisionLinear(config.HiddenSize, config.Labels.Count);
        register_module(nameof(bert), bert);
        register_module(nameof(dropout), dropout);
        register_module(nameof(classifier), classifier);
        Config = config;
    }

    public BertConfig Config { get; }

    public override string LabelLayerWeight => "classifier.weight";

    public override int MaxSequenceLength => Config.MaxPositionEmbeddings;

    public override bool UsesTokenTypeIds => true;

    /// <summary>The base model (<c>bert.*</c>).</summary>
    public BertModel Bert => bert;

    protected override string BasePrefix => "bert.";

    protected override IReadOnlyList<string> HeadPrefixes { get; } = ["classifier.", "bert.pooler."];

    protected override IReadOnlyList<string> IgnoredCheckpointPrefixes { get; } = ["cls."];

    public override bool SupportsUnpadded => true;

    public override Tensor ForwardHidden(ModelInputs inputs) => PaddedHidden(inputs, bert.Encode);

    public override Tensor forward(ModelInputs inputs)
    {
        using var scope = torch.NewDisposeScope();
        var pooled = bert.PoolFirstTokens(FirstTokenHidden(inputs, bert.Encode));
        return Logits(classifier.forward(dropout.forward(pooled))).MoveToOuterDisposeScope();
    }
}
