namespace BertFineTune.Models.Configuration;

/// <summary><c>config.json</c> of ModernBERT (transformers ≥ 4.48 field names and defaults).</summary>
public sealed record ModernBertConfig : PretrainedModelConfig
{
    public required int IntermediateSize { get; init; }

    /// <summary><c>hidden_activation</c> of the GeGLU MLP.</summary>
    public required string HiddenActivation { get; init; }

    public required double NormEps { get; init; }

    public required bool NormBias { get; init; }

    public required bool AttentionBias { get; init; }

    public required bool MlpBias { get; init; }

    /// <summary><c>classifier_bias</c>: the bias of <c>head.dense</c> (the final <c>classifier</c> always has one).</summary>
    public required bool ClassifierBias { get; init; }

    public required double AttentionDropout { get; init; }

    public required double EmbeddingDropout { get; init; }

    public required double MlpDropout { get; init; }

    public required double ClassifierDropout { get; init; }

    /// <summary>Layer i uses global attention when <c>i % global_attn_every_n_layers == 0</c>, else the sliding window.</summary>
    public required int GlobalAttnEveryNLayers { get; init; }

    /// <summary><c>local_attention</c>: the window width; a query sees keys with |i − j| ≤ local_attention / 2.</summary>
    public required int LocalAttention { get; init; }

    public required double GlobalRopeTheta { get; init; }

    public required double LocalRopeTheta { get; init; }

    /// <summary><c>classifier_pooling</c>: <c>cls</c> or <c>mean</c> (over non-pad tokens).</summary>
    public required string ClassifierPooling { get; init; }

    public required string ClassifierActivation { get; init; }

    /// <summary><c>initializer_cutoff_factor</c>: the truncation of ModernBERT's truncated-normal init, in stds.</summary>
    public required double InitializerCutoffFactor { get; init; }

    public bool IsGlobalLayer(int layer) => layer % GlobalAttnEveryNLayers == 0;

    public static ModernBertConfig Parse(ConfigJson json)
    {
        var (labels, problem) = ReadClassification(json);
        var globalTheta = json.Double("global_rope_theta", 160000.0);
        var hiddenActivation = json.String("hidden_activation", "gelu");
        var config = new ModernBertConfig
        {
            Json = json,
            ModelType = "modernbert",
            Labels = labels,
            ProblemType = problem,
            HiddenSize = json.Int("hidden_size", 768),
            NumHiddenLayers = json.Int("num_hidden_layers", 22),
            NumAttentionHeads = json.Int("num_attention_heads", 12),
            VocabSize = json.Int("vocab_size", 50368),
            MaxPositionEmbeddings = json.Int("max_position_embeddings", 8192),
            PadTokenId = json.Int("pad_token_id", 50283),
            InitializerRange = json.Double("initializer_range", 0.02),
            IntermediateSize = json.Int("intermediate_size", 1152),
            HiddenActivation = hiddenActivation,
            NormEps = json.Double("norm_eps", 1e-5),
            NormBias = json.Bool("norm_bias", false),
            AttentionBias = json.Bool("attention_bias", false),
            MlpBias = json.Bool("mlp_bias", false),
            ClassifierBias = json.Bool("classifier_bias", false),
            AttentionDropout = json.Probability("attention_dropout", 0.0),
            EmbeddingDropout = json.Probability("embedding_dropout", 0.0),
            MlpDropout = json.Probability("mlp_dropout", 0.0),
            ClassifierDropout = json.Probability("classifier_dropout", 0.0),
            GlobalAttnEveryNLayers = json.Int("global_attn_every_n_layers", 3),
            LocalAttention = json.Int("local_attention", 128),
            GlobalRopeTheta = globalTheta,

            // Older ModernBERT code fell back to the global theta; current HF defaults local_rope_theta to 10000.
            LocalRopeTheta = json.Double("local_rope_theta") ?? 10000.0,
            ClassifierPooling = json.String("classifier_pooling", "cls"),
            ClassifierActivation = json.String("classifier_activation", hiddenActivation),
            InitializerCutoffFactor = json.Double("initializer_cutoff_factor", 2.0),
        };
        ConfigChecks.Divisible(config);
        if (config.ClassifierPooling is not ("cls" or "mean"))
        {
            throw json.Invalid("classifier_pooling", $"is '{config.ClassifierPooling}'; it must be 'cls' or 'mean'");
        }

        if (config.GlobalAttnEveryNLayers <= 0)
        {
            throw json.Invalid("global_attn_every_n_layers", "must be a positive integer");
        }

        return config;
    }
}
