namespace BertFineTune.Models.Configuration;

/// <summary>
/// <c>config.json</c> of BERT and of RoBERTa / XLM-RoBERTa (same fields; RoBERTa offsets positions by <c>pad_token_id</c>).
/// </summary>
public sealed record BertConfig : PretrainedModelConfig
{
    public required int IntermediateSize { get; init; }

    /// <summary><c>hidden_act</c>: gelu (erf), gelu_new, relu, ...</summary>
    public required string HiddenAct { get; init; }

    public required double HiddenDropoutProb { get; init; }

    public required double AttentionProbsDropoutProb { get; init; }

    public required int TypeVocabSize { get; init; }

    public required double LayerNormEps { get; init; }

    /// <summary><c>classifier_dropout</c>; null means <see cref="HiddenDropoutProb"/>.</summary>
    public double? ClassifierDropout { get; init; }

    public static BertConfig Parse(ConfigJson json, string modelType)
    {
        var (labels, problem) = ReadClassification(json);
        var positions = json.String("position_embedding_type", "absolute");
        if (positions != "absolute")
        {
            throw json.Invalid("position_embedding_type", $"is '{positions}'; only 'absolute' position embeddings are supported");
        }

        var isRoberta = modelType is "roberta" or "xlm-roberta";
        return new BertConfig
        {
            Json = json,
            ModelType = modelType,
            Labels = labels,
            ProblemType = problem,
            HiddenSize = json.Int("hidden_size", 768),
            NumHiddenLayers = json.Int("num_hidden_layers", 12),
            NumAttentionHeads = json.Int("num_attention_heads", 12),
            VocabSize = json.RequiredInt("vocab_size"),
            MaxPositionEmbeddings = json.Int("max_position_embeddings", 512),
            PadTokenId = json.Int("pad_token_id", isRoberta ? 1 : 0),
            InitializerRange = json.Double("initializer_range", 0.02),
            IntermediateSize = json.Int("intermediate_size", 3072),
            HiddenAct = json.String("hidden_act", "gelu"),
            HiddenDropoutProb = json.Double("hidden_dropout_prob", 0.1),
            AttentionProbsDropoutProb = json.Double("attention_probs_dropout_prob", 0.1),
            TypeVocabSize = json.Int("type_vocab_size", 2),
            LayerNormEps = json.Double("layer_norm_eps", 1e-12),
            ClassifierDropout = json.Double("classifier_dropout"),
        }.Validated();
    }

    private BertConfig Validated()
    {
        ConfigChecks.Divisible(this);
        return this;
    }
}
