namespace BertFineTune.Models.Configuration;

/// <summary>
/// <c>config.json</c> of ELECTRA: BERT's fields plus <c>embedding_size</c>, the width of the embeddings, which
/// <c>embeddings_project</c> maps to <c>hidden_size</c> when the two differ (electra-small: 128 → 256).
/// </summary>
public sealed record ElectraConfig : PretrainedModelConfig
{
    public required int EmbeddingSize { get; init; }

    public required int IntermediateSize { get; init; }

    /// <summary><c>hidden_act</c> of the encoder; the classification head always uses GELU.</summary>
    public required string HiddenAct { get; init; }

    public required double HiddenDropoutProb { get; init; }

    public required double AttentionProbsDropoutProb { get; init; }

    public required int TypeVocabSize { get; init; }

    public required double LayerNormEps { get; init; }

    /// <summary><c>classifier_dropout</c>; null means <see cref="HiddenDropoutProb"/>.</summary>
    public double? ClassifierDropout { get; init; }

    /// <summary>The encoder's settings as a <see cref="BertConfig"/>: ELECTRA's encoder is BERT's module tree.</summary>
    public BertConfig Encoder => new()
    {
        Json = Json,
        ModelType = ModelType,
        Labels = Labels,
        ProblemType = ProblemType,
        HiddenSize = HiddenSize,
        NumHiddenLayers = NumHiddenLayers,
        NumAttentionHeads = NumAttentionHeads,
        VocabSize = VocabSize,
        MaxPositionEmbeddings = MaxPositionEmbeddings,
        PadTokenId = PadTokenId,
        InitializerRange = InitializerRange,
        IntermediateSize = IntermediateSize,
        HiddenAct = HiddenAct,
        HiddenDropoutProb = HiddenDropoutProb,
        AttentionProbsDropoutProb = AttentionProbsDropoutProb,
        TypeVocabSize = TypeVocabSize,
        LayerNormEps = LayerNormEps,
        ClassifierDropout = ClassifierDropout,
    };

    public static ElectraConfig Parse(ConfigJson json)
    {
        var (labels, problem) = ReadClassification(json);
        var positions = json.String("position_embedding_type", "absolute");
        if (positions != "absolute")
        {
            throw json.Invalid("position_embedding_type", $"is '{positions}'; only 'absolute' position embeddings are supported");
        }

        var config = new ElectraConfig
        {
            Json = json,
            ModelType = "electra",
            Labels = labels,
            ProblemType = problem,
            EmbeddingSize = json.Int("embedding_size", 128),
            HiddenSize = json.Int("hidden_size", 256),
            NumHiddenLayers = json.Int("num_hidden_layers", 12),
            NumAttentionHeads = json.Int("num_attention_heads", 4),
            VocabSize = json.RequiredInt("vocab_size"),
            MaxPositionEmbeddings = json.Int("max_position_embeddings", 512),
            PadTokenId = json.Int("pad_token_id", 0),
            InitializerRange = json.Double("initializer_range", 0.02),
            IntermediateSize = json.Int("intermediate_size", 1024),
            HiddenAct = json.String("hidden_act", "gelu"),
            HiddenDropoutProb = json.Double("hidden_dropout_prob", 0.1),
            AttentionProbsDropoutProb = json.Double("attention_probs_dropout_prob", 0.1),
            TypeVocabSize = json.Int("type_vocab_size", 2),
            LayerNormEps = json.Double("layer_norm_eps", 1e-12),
            ClassifierDropout = json.Double("classifier_dropout"),
        };
        ConfigChecks.Divisible(config);
        return config;
    }
}
