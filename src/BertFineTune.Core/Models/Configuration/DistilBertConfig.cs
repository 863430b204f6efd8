namespace BertFineTune.Models.Configuration;

/// <summary><c>config.json</c> of DistilBERT (<c>dim</c>, <c>n_layers</c>, <c>n_heads</c>, <c>hidden_dim</c>, ...), mapped to the common names.</summary>
public sealed record DistilBertConfig : PretrainedModelConfig
{
    /// <summary><c>hidden_dim</c>: the FFN width.</summary>
    public required int HiddenDim { get; init; }

    /// <summary><c>activation</c>: gelu or relu.</summary>
    public required string Activation { get; init; }

    public required double Dropout { get; init; }

    public required double AttentionDropout { get; init; }

    public required double SeqClassifDropout { get; init; }

    /// <summary><c>sinusoidal_pos_embds</c>: fixed sin/cos position table, not trained.</summary>
    public required bool SinusoidalPosEmbds { get; init; }

    /// <summary>DistilBERT hard-codes its LayerNorm eps.</summary>
    public double LayerNormEps => 1e-12;

    public static DistilBertConfig Parse(ConfigJson json)
    {
        var (labels, problem) = ReadClassification(json);
        var config = new DistilBertConfig
        {
            Json = json,
            ModelType = "distilbert",
            Labels = labels,
            ProblemType = problem,
            HiddenSize = json.Int("dim", 768),
            NumHiddenLayers = json.Int("n_layers", 6),
            NumAttentionHeads = json.Int("n_heads", 12),
            VocabSize = json.RequiredInt("vocab_size"),
            MaxPositionEmbeddings = json.Int("max_position_embeddings", 512),
            PadTokenId = json.Int("pad_token_id", 0),
            InitializerRange = json.Double("initializer_range", 0.02),
            HiddenDim = json.Int("hidden_dim", 3072),
            Activation = json.String("activation", "gelu"),
            Dropout = json.Probability("dropout", 0.1),
            AttentionDropout = json.Probability("attention_dropout", 0.1),
            SeqClassifDropout = json.Probability("seq_classif_dropout", 0.2),
            SinusoidalPosEmbds = json.Bool("sinusoidal_pos_embds", false),
        };
        ConfigChecks.Divisible(config);
        return config;
    }
}
