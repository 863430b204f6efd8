using System.Diagnostics.CodeAnalysis;

namespace BertFineTune.Models.Configuration;

/// <summary>
/// The fields BERT, RoBERTa, ELECTRA and DeBERTa-v2 share beyond <see cref="PretrainedModelConfig"/> (their encoder
/// layers have one module tree), read once from <c>config.json</c> with each family's transformers defaults.
/// </summary>
public abstract record TransformerEncoderConfig : PretrainedModelConfig
{
    [SetsRequiredMembers]
    protected TransformerEncoderConfig(
        ConfigJson json, string modelType, (IReadOnlyList<string> Labels, ProblemType? Problem) classification, EncoderDefaults defaults)
    {
        var (labels, problem) = classification;
        Json = json;
        ModelType = modelType;
        Labels = labels;
        ProblemType = problem;
        HiddenSize = json.Int("hidden_size", defaults.HiddenSize);
        NumHiddenLayers = json.Int("num_hidden_layers", defaults.NumHiddenLayers);
        NumAttentionHeads = json.Int("num_attention_heads", defaults.NumAttentionHeads);
        VocabSize = json.RequiredInt("vocab_size");
        MaxPositionEmbeddings = json.Int("max_position_embeddings", 512);
        PadTokenId = json.Int("pad_token_id", defaults.PadTokenId);
        InitializerRange = json.Double("initializer_range", 0.02);
        IntermediateSize = json.Int("intermediate_size", defaults.IntermediateSize);
        HiddenAct = json.String("hidden_act", "gelu");
        HiddenDropoutProb = json.Probability("hidden_dropout_prob", 0.1);
        AttentionProbsDropoutProb = json.Probability("attention_probs_dropout_prob", 0.1);
        TypeVocabSize = json.Int("type_vocab_size", defaults.TypeVocabSize);
        LayerNormEps = json.Double("layer_norm_eps", defaults.LayerNormEps);
    }

    public required int IntermediateSize { get; init; }

    /// <summary><c>hidden_act</c>: gelu (erf), gelu_new, relu, ...</summary>
    public required string HiddenAct { get; init; }

    public required double HiddenDropoutProb { get; init; }

    public required double AttentionProbsDropoutProb { get; init; }

    /// <summary><c>type_vocab_size</c>; 0 (DeBERTa-v3) means no token-type embeddings.</summary>
    public required int TypeVocabSize { get; init; }

    public required double LayerNormEps { get; init; }

    /// <summary>BERT-style families support only <c>position_embedding_type: absolute</c>.</summary>
    protected static void RequireAbsolutePositions(ConfigJson json)
    {
        var positions = json.String("position_embedding_type", "absolute");
        if (positions != "absolute")
        {
            throw json.Invalid("position_embedding_type", $"is '{positions}'; only 'absolute' position embeddings are supported");
        }
    }

    /// <summary>A family's transformers defaults for the fields a <c>config.json</c> may leave out.</summary>
    protected readonly record struct EncoderDefaults(
        int HiddenSize,
        int NumHiddenLayers,
        int NumAttentionHeads,
        int IntermediateSize,
        int TypeVocabSize,
        double LayerNormEps,
        int PadTokenId);
}
