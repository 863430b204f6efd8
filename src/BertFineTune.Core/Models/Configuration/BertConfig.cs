using System.Diagnostics.CodeAnalysis;

namespace BertFineTune.Models.Configuration;

/// <summary>
/// <c>config.json</c> of BERT and of RoBERTa / XLM-RoBERTa (same fields; RoBERTa offsets positions by <c>pad_token_id</c>).
/// </summary>
public sealed record BertConfig : TransformerEncoderConfig
{
    [SetsRequiredMembers]
    private BertConfig(ConfigJson json, string modelType, (IReadOnlyList<string>, ProblemType?) classification, EncoderDefaults defaults)
        : base(json, modelType, classification, defaults)
    {
        ClassifierDropout = json.Probability("classifier_dropout");
    }

    /// <summary>The encoder settings of another family whose encoder is BERT's module tree (ELECTRA).</summary>
    [SetsRequiredMembers]
    internal BertConfig(TransformerEncoderConfig encoder, double? classifierDropout)
        : base(encoder)
    {
        ClassifierDropout = classifierDropout;
    }

    /// <summary><c>classifier_dropout</c>; null means <see cref="TransformerEncoderConfig.HiddenDropoutProb"/>.</summary>
    public double? ClassifierDropout { get; init; }

    public static BertConfig Parse(ConfigJson json, string modelType)
    {
        var classification = ReadClassification(json);
        RequireAbsolutePositions(json);

        var isRoberta = modelType is "roberta" or "xlm-roberta";
        var config = new BertConfig(json, modelType, classification, new(768, 12, 12, 3072, 2, 1e-12, isRoberta ? 1 : 0));
        ConfigChecks.Divisible(config);
        return config;
    }
}
