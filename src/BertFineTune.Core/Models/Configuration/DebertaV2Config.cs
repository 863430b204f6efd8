using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BertFineTune.Models.Configuration;

/// <summary>
/// <c>config.json</c> of DeBERTa-v2 and DeBERTa-v3 (<c>model_type: deberta-v2</c>), with transformers' defaults for
/// every field a file leaves out.
/// </summary>
public sealed record DebertaV2Config : TransformerEncoderConfig
{
    [SetsRequiredMembers]
    private DebertaV2Config(ConfigJson json, (IReadOnlyList<string>, ProblemType?) classification)
        : base(json, "deberta-v2", classification, new(1536, 24, 24, 6144, 0, 1e-7, 0))
    {
        var hidden = HiddenSize;
        var maxRelative = json.Int("max_relative_positions", -1);
        EmbeddingSize = json.Int("embedding_size", hidden);
        PositionBiasedInput = json.Bool("position_biased_input", true);
        RelativeAttention = json.Bool("relative_attention", false);
        MaxRelativePositions = maxRelative < 1 ? MaxPositionEmbeddings : maxRelative;
        PositionBuckets = json.Int("position_buckets", -1);
        PosAttType = ReadPosAttType(json);
        ShareAttKey = json.Bool("share_att_key", false);
        NormRelEmbeddings = json.String("norm_rel_ebd", "none").ToLowerInvariant().Split('|').Select(s => s.Trim()).Contains("layer_norm");
        PoolerHiddenSize = json.Int("pooler_hidden_size", hidden);
        PoolerHiddenAct = json.String("pooler_hidden_act", "gelu");
        PoolerDropout = json.Probability("pooler_dropout", 0.0);
        ClsDropout = json.Probability("cls_dropout");
    }

    /// <summary><c>embedding_size</c>; when it differs from <c>hidden_size</c>, <c>embed_proj</c> maps it (no bias).</summary>
    public required int EmbeddingSize { get; init; }

    /// <summary><c>position_biased_input</c>: whether absolute position embeddings are added (false in v3).</summary>
    public required bool PositionBiasedInput { get; init; }

    public required bool RelativeAttention { get; init; }

    /// <summary><c>max_relative_positions</c> after HF's rule: below 1 means <c>max_position_embeddings</c>.</summary>
    public required int MaxRelativePositions { get; init; }

    /// <summary><c>position_buckets</c>; 0 or less means no log bucketing.</summary>
    public required int PositionBuckets { get; init; }

    /// <summary><c>pos_att_type</c>: any of <c>c2p</c>, <c>p2c</c> (a list, or HF's <c>"p2c|c2p"</c> string).</summary>
    public required IReadOnlyList<string> PosAttType { get; init; }

    /// <summary><c>share_att_key</c>: relative embeddings go through the layer's own query/key projections.</summary>
    public required bool ShareAttKey { get; init; }

    /// <summary><c>norm_rel_ebd</c> contains <c>layer_norm</c>: the encoder's <c>LayerNorm</c> normalises the relative embeddings.</summary>
    public required bool NormRelEmbeddings { get; init; }

    public required int PoolerHiddenSize { get; init; }

    public required string PoolerHiddenAct { get; init; }

    public required double PoolerDropout { get; init; }

    /// <summary><c>cls_dropout</c>; null means <see cref="TransformerEncoderConfig.HiddenDropoutProb"/>.</summary>
    public double? ClsDropout { get; init; }

    public bool HasC2P => PosAttType.Contains("c2p");

    public bool HasP2C => PosAttType.Contains("p2c");

    /// <summary>The span of relative positions each side: <c>position_buckets</c> when bucketing, else <c>max_relative_positions</c>.</summary>
    public int AttentionSpan => PositionBuckets > 0 ? PositionBuckets : MaxRelativePositions;

    public static DebertaV2Config Parse(ConfigJson json)
    {
        var classification = ReadClassification(json);
        if (json.Int("conv_kernel_size", 0) > 0)
        {
            throw json.Invalid("conv_kernel_size", "is set; DeBERTa-v2's convolution layer (deberta-v2-xlarge/-xxlarge) is not supported, DeBERTa-v3 models have none");
        }

        var hidden = json.Int("hidden_size", 1536);
        var heads = json.Int("num_attention_heads", 24);
        if (json.Int("attention_head_size") is int headSize && headSize * heads != hidden)
        {
            throw json.Invalid("attention_head_size", $"({headSize}) times num_attention_heads ({heads}) must equal hidden_size ({hidden})");
        }

        var unknown = ReadPosAttType(json).Where(t => t is not ("c2p" or "p2c")).ToList();
        if (unknown.Count > 0)
        {
            throw json.Invalid("pos_att_type", $"has '{string.Join("', '", unknown)}'; supported: c2p, p2c");
        }

        var config = new DebertaV2Config(json, classification);
        ConfigChecks.Divisible(config);
        if (config.PoolerHiddenSize != hidden)
        {
            throw json.Invalid("pooler_hidden_size", $"({config.PoolerHiddenSize}) must equal hidden_size ({hidden}): the pooler reads the last hidden state");
        }

        return config;
    }

    private static IReadOnlyList<string> ReadPosAttType(ConfigJson json) => json.Root["pos_att_type"] switch
    {
        null => [],
        JsonArray array => array.Select(n => n?.GetValueKind() == JsonValueKind.String
            ? n.GetValue<string>().Trim().ToLowerInvariant()
            : throw json.Invalid("pos_att_type", "must be a list of strings or a string like \"p2c|c2p\"")).ToList(),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().ToLowerInvariant().Split('|').Select(s => s.Trim()).Where(s => s.Length > 0).ToList(),
        _ => throw json.Invalid("pos_att_type", "must be a list of strings or a string like \"p2c|c2p\""),
    };
}
