using System.Diagnostics.CodeAnalysis;

namespace BertFineTune.Models.Configuration;

/// <summary>
/// <c>config.json</c> of ELECTRA: BERT's fields plus <c>embedding_size</c>, the width of the embeddings, which
/// <c>embeddings_project</c> maps to <c>hidden_size</c> when the two differ (electra-small: 128 → 256).
/// </summary>
public sealed record ElectraConfig : TransformerEncoderConfig
{
    [SetsRequiredMembers]
    private ElectraConfig(ConfigJson json, (IReadOnlyList<string>, ProblemType?) classification)
        : base(json, "electra", classification, new(256, 12, 4, 1024, 2, 1e-12, 0))
    {
        EmbeddingSize = json.Int("embedding_size", 128);
        ClassifierDropout = json.Probability("classifier_dropout");
    }

    public required int EmbeddingSize { get; init; }

    /// <summary><c>classifier_dropout</c>; null means <see cref="TransformerEncoderConfig.HiddenDropoutProb"/>.</summary>
    public double? ClassifierDropout { get; init; }

    /// <summary>The encoder's settings as a <see cref="BertConfig"/>: ELECTRA's encoder is BERT's module tree.</summary>
    public BertConfig Encoder => new(this, ClassifierDropout);

    public static ElectraConfig Parse(ConfigJson json)
    {
        var classification = ReadClassification(json);
        RequireAbsolutePositions(json);

        var config = new ElectraConfig(json, classification);
        ConfigChecks.Divisible(config);
        return config;
    }
}
