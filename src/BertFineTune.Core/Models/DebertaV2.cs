using BertFineTune.Models.Configuration;
using BertFineTune.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

#pragma warning disable SA1402, SA1649 // One file per architecture, mirroring modeling_deberta_v2.py.

namespace BertFineTune.Models;

/// <summary>
/// <c>DebertaV2Embeddings</c>: word embeddings (+ absolute positions when <c>position_biased_input</c>, + token types when
/// <c>type_vocab_size</c> &gt; 0), <c>embed_proj</c> when <c>embedding_size ≠ hidden_size</c>, LayerNorm, then padded
/// positions zeroed by the attention mask (packed states hold no padded positions, so nothing is zeroed there).
/// </summary>
public sealed class DebertaV2Embeddings : nn.Module<ModelInputs, Tensor>
{
    private readonly Embedding word_embeddings;
    private readonly Embedding? position_embeddings;
    private readonly Embedding? token_type_embeddings;
    private readonly MixedPrecisionLinear? embed_proj;
    private readonly HfLayerNorm LayerNorm;
    private readonly HashDropout dropout;

    public DebertaV2Embeddings(DebertaV2Config config)
        : base(nameof(DebertaV2Embeddings))
    {
        word_embeddings = WordEmbeddings.Create(config.VocabSize, config.EmbeddingSize, config.PadTokenId);
        register_module(nameof(word_embeddings), word_embeddings);
        if (config.PositionBiasedInput)
        {
            position_embeddings = nn.Embedding(config.MaxPositionEmbeddings, config.EmbeddingSize);
            register_module(nameof(position_embeddings), position_embeddings);
        }

        if (config.TypeVocabSize > 0)
        {
            token_type_embeddings = nn.Embedding(config.TypeVocabSize, config.EmbeddingSize);
            register_module(nameof(token_type_embeddings), token_type_embeddings);
        }

        if (config.EmbeddingSize != config.HiddenSize)
        {
            embed_proj = new MixedPrecisionLinear(config.EmbeddingSize, config.HiddenSize, hasBias: false);
            register_module(nameof(embed_proj), embed_proj);
        }

        LayerNorm = new HfLayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = new HashDropout(config.HiddenDropoutProb);
        register_module(nameof(LayerNorm), LayerNorm);
        register_module(nameof(dropout), dropout);
    }

    public override Tensor forward(ModelInputs inputs) => forward(inputs, null);

    /// <summary>Padded <c>[batch, seq, hidden]</c>, or <c>[tokens, hidden]</c> for the real tokens of <paramref name="packing"/>.</summary>
    public Tensor forward(ModelInputs inputs, PackedSequences? packing)
    {
        using var scope = torch.NewDisposeScope();
        var (ids, types, positions) = BertEmbeddings.AbsolutePositionInputs(inputs, packing);
        var embeddings = WordEmbeddings.Lookup(word_embeddings, ids);
        if (position_embeddings is not null)
        {
            embeddings = embeddings + position_embeddings.forward(positions);
        }

        if (token_type_embeddings is not null)
        {
            embeddings = embeddings + token_type_embeddings.forward(types);
        }

        if (embed_proj is not null)
        {
            embeddings = embed_proj.forward(embeddings);
        }

        embeddings = LayerNorm.forward(embeddings);
        if (packing is null)
        {
            embeddings = embeddings * inputs.AttentionMask.unsqueeze(2).to(ScalarType.Float32);
        }

        return dropout.forward(embeddings).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// DeBERTa's relative positions: <c>r = i − j</c> for query i and key j, log-bucketed beyond half the bucket count
/// (<c>make_log_bucket_position</c>, computed in float32 exactly as transformers does).
/// </summary>
public static class DebertaRelativePositions
{
    /// <summary><c>build_relative_position(q, k)</c>: the bucketed <c>i − j</c> as int64 <c>[query, key]</c>.</summary>
    public static Tensor Build(long querySize, long keySize, int bucketSize, int maxPosition, Device device)
    {
        using var scope = torch.NewDisposeScope();
        var q = torch.arange(querySize, dtype: ScalarType.Int64, device: device);
        var k = torch.arange(keySize, dtype: ScalarType.Int64, device: device);
        var relative = q.unsqueeze(1) - k.unsqueeze(0);
        if (bucketSize > 0 && maxPosition > 0)
        {
            relative = LogBucket(relative, bucketSize, maxPosition);
        }

        return relative.to(ScalarType.Int64).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <c>make_log_bucket_position</c>: |r| ≤ mid stays r; beyond, <c>sign(r)·(ceil(ln(|r|/mid) / ln((max−1)/mid) · (mid−1)) + mid)</c>
    /// with <c>mid = bucket_size / 2</c>.
    /// </summary>
    public static Tensor LogBucket(Tensor relative, int bucketSize, int maxPosition)
    {
        using var scope = torch.NewDisposeScope();
        var sign = relative.sign();
        var mid = bucketSize / 2;
        var inner = relative.lt(mid).logical_and(relative.gt(-mid));
        var absolute = torch.where(inner, torch.tensor((long)(mid - 1), device: relative.device), relative.abs());
        var ratio = absolute.to(ScalarType.Float32) / (float)mid;
        var denominator = torch.tensor((float)((maxPosition - 1) / (double)mid), device: relative.device).log();
        var logPosition = (ratio.log() / denominator * (float)(mid - 1)).ceil() + mid;
        var bucketed = torch.where(absolute.le(mid), relative.to(ScalarType.Float32), logPosition * sign.to(ScalarType.Float32));
        return bucketed.MoveToOuterDisposeScope();
    }
}

/// <summary>
/// What every layer of one forward pass shares: the pair mask and the relative-position tables, all over the padded grid,
/// and the batch's packing, if any. With a packing the states are <c>[tokens, hidden]</c>; only attention re-pads (its
/// q/k/v), so each real token keeps its padded column and <c>δ(i, j)</c> means exactly what it means on the padded path.
/// </summary>
/// <param name="PairMask">bool <c>[batch, 1, seq, seq]</c>: true where both query and key are real tokens.</param>
/// <param name="Packing">The packing of the states, or null for padded <c>[batch, seq, hidden]</c> states.</param>
/// <param name="RelativePositions">int64 <c>[seq, seq]</c> from <see cref="DebertaRelativePositions.Build"/>, or null without relative attention.</param>
/// <param name="RelEmbeddings">The (normalised) relative embeddings <c>[2·span, hidden]</c>, or null.</param>
public sealed record DebertaV2LayerContext(Tensor PairMask, PackedSequences? Packing, Tensor? RelativePositions, Tensor? RelEmbeddings);

/// <summary>
/// <c>DisentangledSelfAttention</c>: content-to-content scores plus, per <c>pos_att_type</c>, content-to-position
/// (<c>Q_i · PK[δ(i,j)]</c>) and position-to-content (<c>K_j · PQ[δ(i,j)]</c>) terms, all divided by
/// <c>√(head_dim · (1 + number of relative terms))</c>; softmax over the pair mask, masked probabilities set to 0.
/// </summary>
public sealed class DisentangledSelfAttention : nn.Module<Tensor, DebertaV2LayerContext, Tensor>
{
    private readonly MixedPrecisionLinear query_proj;
    private readonly MixedPrecisionLinear key_proj;
    private readonly MixedPrecisionLinear value_proj;
    private readonly MixedPrecisionLinear? pos_key_proj;
    private readonly MixedPrecisionLinear? pos_query_proj;
    private readonly HashDropout pos_dropout;
    private readonly HashDropout dropout;
    private readonly DebertaV2Config _config;
    private readonly long _heads;
    private readonly int _scaleFactor;

    public DisentangledSelfAttention(DebertaV2Config config)
        : base(nameof(DisentangledSelfAttention))
    {
        _config = config;
        _heads = config.NumAttentionHeads;
        _scaleFactor = 1 + (config.HasC2P ? 1 : 0) + (config.HasP2C ? 1 : 0);
        query_proj = new MixedPrecisionLinear(config.HiddenSize, config.HiddenSize);
        key_proj = new MixedPrecisionLinear(config.HiddenSize, config.HiddenSize);
        value_proj = new MixedPrecisionLinear(config.HiddenSize, config.HiddenSize);
        register_module(nameof(query_proj), query_proj);
        register_module(nameof(key_proj), key_proj);
        register_module(nameof(value_proj), value_proj);
        if (config.RelativeAttention && !config.ShareAttKey)
        {
            if (config.HasC2P)
            {
                pos_key_proj = new MixedPrecisionLinear(config.HiddenSize, config.HiddenSize);
                register_module(nameof(pos_key_proj), pos_key_proj);
            }

            if (config.HasP2C)
            {
                pos_query_proj = new MixedPrecisionLinear(config.HiddenSize, config.HiddenSize);
                register_module(nameof(pos_query_proj), pos_query_proj);
            }
        }

        pos_dropout = new HashDropout(config.HiddenDropoutProb);
        dropout = new HashDropout(config.AttentionProbsDropoutProb);
        register_module(nameof(pos_dropout), pos_dropout);
        register_module(nameof(dropout), dropout);
    }

    /// <param name="hidden">Packed <c>[tokens, hidden]</c> or padded <c>[batch, seq, hidden]</c>, as <paramref name="context"/> says.</param>
    /// <param name="context">The pair mask, relative-position tables and packing of this forward pass.</param>
    public override Tensor forward(Tensor hidden, DebertaV2LayerContext context)
    {
        using var scope = torch.NewDisposeScope();

        // One [q | k | v] GEMM on the states as they are; the scores need the sequence grid, so packed projections are
        // re-padded (zeros at pads, which the pair mask hides) and the context is packed again at the end.
        var projected = MixedPrecisionLinear.ForwardFused([query_proj, key_proj, value_proj], hidden);
        var qkv = (context.Packing?.Unpack(projected) ?? projected).chunk(3, -1);
        var q = HeadSplit.Split(qkv[0], _heads);
        var k = HeadSplit.Split(qkv[1], _heads);
        var v = HeadSplit.Split(qkv[2], _heads);
        var scale = MathF.Sqrt(q.shape[^1] * (float)_scaleFactor);
        var scores = torch.matmul(q, k.transpose(-1, -2)) / scale;
        if (context.RelativePositions is not null && context.RelEmbeddings is not null)
        {
            scores = scores + DisentangledBias(q, k, context.RelativePositions, pos_dropout.forward(context.RelEmbeddings), scale);
        }

        // XSoftmax: masked scores to the dtype's minimum, softmax, masked probabilities to exactly 0. MaskValue is bf16's
        // minimum (HF's finfo(bf16).min), finite in bf16 scores; in fp32 it gives masked keys exactly 0 as fp32's does.
        var masked = context.PairMask.logical_not();
        scores = scores.masked_fill(masked, ScaledDotProductAttention.MaskValue);
        var weights = scores.dtype == ScalarType.Float32 ? scores.softmax(-1) : scores.softmax(-1, ScalarType.Float32).to(scores.dtype);
        var probabilities = weights.masked_fill(masked, 0.0f);
        probabilities = dropout.forward(probabilities);
        var merged = HeadSplit.Merge(torch.matmul(probabilities, v));
        return (context.Packing?.Pack(merged) ?? merged).MoveToOuterDisposeScope();
    }

    private Tensor DisentangledBias(Tensor q, Tensor k, Tensor relative, Tensor relEmbeddings, float scale)
    {
        var span = _config.AttentionSpan;
        var rel = relEmbeddings.narrow(0, 0, Math.Min(2L * span, relEmbeddings.shape[0])).unsqueeze(0);
        var (batch, heads, queries, keys) = (q.shape[0], q.shape[1], q.shape[2], k.shape[2]);
        var index = (relative + span).clamp(0, (2 * span) - 1);
        Tensor? score = null;
        if (_config.HasC2P)
        {
            var positionKeys = HeadSplit.Split((pos_key_proj ?? key_proj).forward(rel), _heads); // [1, heads, 2·span, d]
            var c2p = torch.matmul(q, positionKeys.transpose(-1, -2));                          // [batch, heads, q, 2·span]
            c2p = c2p.gather(-1, index.expand(batch, heads, queries, keys));
            score = c2p / scale;
        }

        if (_config.HasP2C)
        {
            var positionQueries = HeadSplit.Split((pos_query_proj ?? query_proj).forward(rel), _heads);
            var p2c = torch.matmul(k, positionQueries.transpose(-1, -2));                       // [batch, heads, k, 2·span]

            // Row j, column i holds K_j · PQ[δ(i, j)]; transposed, it adds to score[i, j].
            p2c = p2c.gather(-1, index.transpose(0, 1).expand(batch, heads, keys, queries)).transpose(-1, -2);
            score = score is null ? p2c / scale : score + (p2c / scale);
        }

        return score ?? torch.zeros_like(q.narrow(-1, 0, 1));
    }
}

/// <summary><c>DebertaV2Attention</c>: <c>self</c> (disentangled) then <c>output</c> (dense, dropout, residual LayerNorm), as BERT's.</summary>
public sealed class DebertaV2Attention(DebertaV2Config config)
    : BertAttention<DebertaV2LayerContext>(
        nameof(DebertaV2Attention),
        new DisentangledSelfAttention(config),
        config.HiddenSize,
        config.LayerNormEps,
        config.HiddenDropoutProb);

/// <summary>
/// <c>DebertaV2Layer</c>: attention, intermediate, output (post-norm, BERT's <see cref="BertIntermediate"/> and
/// <see cref="BertSelfOutput"/> under the same names); runs on packed or padded states.
/// </summary>
public sealed class DebertaV2Layer(DebertaV2Config config)
    : BertLayer<DebertaV2LayerContext, DebertaV2LayerContext>(nameof(DebertaV2Layer), new DebertaV2Attention(config), config)
{
    public override Tensor forward(Tensor hidden, DebertaV2LayerContext context) => ForwardLayer(hidden, context);
}

/// <summary>
/// <c>DebertaV2Encoder</c>: the layers, the relative position table <c>rel_embeddings</c> shared by all of them, and the
/// <c>LayerNorm</c> that normalises it when <c>norm_rel_ebd</c> says <c>layer_norm</c>.
/// </summary>
public sealed class DebertaV2Encoder : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly ModuleList<DebertaV2Layer> layer;
    private readonly Embedding? rel_embeddings;
    private readonly HfLayerNorm? LayerNorm;
    private readonly DebertaV2Config _config;

    public DebertaV2Encoder(DebertaV2Config config)
        : base(nameof(DebertaV2Encoder))
    {
        _config = config;
        layer = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new DebertaV2Layer(config)).ToArray());
        register_module(nameof(layer), layer);
        if (config.RelativeAttention)
        {
            rel_embeddings = nn.Embedding(2L * config.AttentionSpan, config.HiddenSize);
            register_module(nameof(rel_embeddings), rel_embeddings);
        }

        if (config.NormRelEmbeddings)
        {
            LayerNorm = new HfLayerNorm(config.HiddenSize, config.LayerNormEps);
            register_module(nameof(LayerNorm), LayerNorm);
        }
    }

    /// <param name="hidden">The embeddings <c>[batch, seq, hidden]</c> (padded path).</param>
    /// <param name="attentionMask">The 0/1 padding mask <c>[batch, seq]</c>.</param>
    public override Tensor forward(Tensor hidden, Tensor attentionMask) => forward(hidden, attentionMask, null);

    /// <param name="hidden">The embeddings: <c>[tokens, hidden]</c> for the real tokens of <paramref name="packing"/>, else <c>[batch, seq, hidden]</c>.</param>
    /// <param name="attentionMask">The 0/1 padding mask <c>[batch, seq]</c>: the grid that masks and relative positions are built on.</param>
    /// <param name="packing">The packing of <paramref name="hidden"/>, or null for padded states.</param>
    public Tensor forward(Tensor hidden, Tensor attentionMask, PackedSequences? packing)
    {
        using var scope = torch.NewDisposeScope();
        var keep = attentionMask.to(ScalarType.Bool);
        var pairMask = keep.unsqueeze(1).unsqueeze(2).logical_and(keep.unsqueeze(1).unsqueeze(3)); // [batch, 1, q, k]
        Tensor? relative = null;
        Tensor? rel = null;
        if (rel_embeddings is not null)
        {
            var seq = attentionMask.shape[1];
            relative = DebertaRelativePositions.Build(seq, seq, _config.PositionBuckets, _config.MaxRelativePositions, hidden.device);
            rel = LayerNorm is null ? rel_embeddings.weight : LayerNorm.forward(rel_embeddings.weight!);
        }

        var context = new DebertaV2LayerContext(pairMask, packing, relative, rel);
        var current = hidden;
        foreach (var block in layer)
        {
            current = block.forward(current, context);
        }

        return current.MoveToOuterDisposeScope();
    }
}

/// <summary><c>DebertaV2Model</c>: embeddings and encoder; the output is the last layer's hidden state.</summary>
public sealed class DebertaV2Model : nn.Module<ModelInputs, Tensor>
{
    private readonly DebertaV2Embeddings embeddings;
    private readonly DebertaV2Encoder encoder;

    public DebertaV2Model(DebertaV2Config config)
        : base(nameof(DebertaV2Model))
    {
        embeddings = new DebertaV2Embeddings(config);
        encoder = new DebertaV2Encoder(config);
        register_module(nameof(embeddings), embeddings);
        register_module(nameof(encoder), encoder);
    }

    /// <summary>The last hidden state <c>[batch, seq, hidden]</c> (padded path).</summary>
    public override Tensor forward(ModelInputs inputs) => Encode(inputs, null);

    /// <summary>The last hidden state: <c>[tokens, hidden]</c> when <paramref name="packing"/> is given, else padded.</summary>
    public Tensor Encode(ModelInputs inputs, PackedSequences? packing)
    {
        using var scope = torch.NewDisposeScope();
        return encoder.forward(embeddings.forward(inputs, packing), inputs.AttentionMask, packing).MoveToOuterDisposeScope();
    }
}

/// <summary><c>ContextPooler</c>: first token, dropout, dense, <c>pooler_hidden_act</c>.</summary>
public sealed class ContextPooler : nn.Module<Tensor, Tensor>
{
    private readonly MixedPrecisionLinear dense;
    private readonly HashDropout dropout;
    private readonly Func<Tensor, Tensor> _activation;

    public ContextPooler(DebertaV2Config config)
        : base(nameof(ContextPooler))
    {
        dense = new MixedPrecisionLinear(config.PoolerHiddenSize, config.PoolerHiddenSize);
        dropout = new HashDropout(config.PoolerDropout);
        _activation = Activations.Resolve(config.PoolerHiddenAct, config.Json.File, "pooler_hidden_act");
        register_module(nameof(dense), dense);
        register_module(nameof(dropout), dropout);
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
        return _activation(dense.forward(dropout.forward(firstTokens))).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// <c>DebertaV2ForSequenceClassification</c> (DeBERTa-v2 and -v3): <c>deberta</c>, then the top-level <c>pooler</c>
/// (ContextPooler), dropout and <c>classifier</c>.
/// </summary>
public sealed class DebertaV2ForSequenceClassification : HfSequenceClassifier
{
    private readonly DebertaV2Model deberta;
    private readonly ContextPooler pooler;
    private readonly MixedPrecisionLinear classifier;
    private readonly HashDropout dropout;

    public DebertaV2ForSequenceClassification(DebertaV2Config config)
        : base(nameof(DebertaV2ForSequenceClassification), config)
    {
        Config = config;
        deberta = new DebertaV2Model(config);
        pooler = new ContextPooler(config);
        classifier = new MixedPrecisionLinear(config.PoolerHiddenSize, config.Labels.Count);
        dropout = new HashDropout(config.ClsDropout ?? config.HiddenDropoutProb);
        register_module(nameof(deberta), deberta);
        register_module(nameof(pooler), pooler);
        register_module(nameof(classifier), classifier);
        register_module(nameof(dropout), dropout);
    }

    public DebertaV2Config Config { get; }

    public override string LabelLayerWeight => "classifier.weight";

    /// <summary>Relative attention has no length limit of its own; absolute positions (v2 with position_biased_input) do.</summary>
    public override int MaxSequenceLength => Config.MaxPositionEmbeddings;

    public override bool UsesTokenTypeIds => Config.TypeVocabSize > 0;

    protected override string BasePrefix => "deberta.";

    /// <summary>Pre-training checkpoints (deberta-v3-base on the Hub) have no pooler: it is created with the head.</summary>
    protected override IReadOnlyList<string> HeadPrefixes { get; } = ["classifier.", "pooler."];

    /// <summary>The masked-LM and replaced-token-detection heads of pre-training checkpoints.</summary>
    protected override IReadOnlyList<string> IgnoredCheckpointPrefixes { get; } = ["lm_predictions.", "mask_predictions.", "cls."];

    public override bool SupportsUnpadded => true;

    public override Tensor ForwardHidden(ModelInputs inputs) => PaddedHidden(inputs, deberta.Encode);

    public override Tensor forward(ModelInputs inputs)
    {
        using var scope = torch.NewDisposeScope();
        var pooled = pooler.PoolFirstTokens(FirstTokenHidden(inputs, deberta.Encode));
        return Logits(classifier.forward(dropout.forward(pooled))).MoveToOuterDisposeScope();
    }
}
