namespace BertFineTune.Serve;

/// <summary>The body of <c>POST /v1/classify</c>.</summary>
/// <param name="Texts">The texts to classify, at most <c>--max-texts</c>, each at most <c>--max-chars</c> characters.</param>
public sealed record ClassifyRequest(IReadOnlyList<string?>? Texts);

/// <summary>The answer of <c>POST /v1/classify</c>: one result per text, in request order.</summary>
public sealed record ClassifyResponse(IReadOnlyList<Classification> Results);

/// <summary>One text's classification.</summary>
/// <param name="Label">The most probable label.</param>
/// <param name="Score">Its probability.</param>
/// <param name="Labels">The predicted labels: the top label for single-label models; every label over the threshold for multi-label ones.</param>
/// <param name="Probabilities">Every label's probability, by label name (softmax, or sigmoid for multi-label models).</param>
public sealed record Classification(string Label, float Score, IReadOnlyList<string> Labels, IReadOnlyDictionary<string, float> Probabilities);

/// <summary>The answer of <c>GET /v1/model</c>.</summary>
/// <param name="ModelType">config.json's <c>model_type</c>.</param>
/// <param name="Architecture">The architecture class, e.g. <c>BertForSequenceClassification</c>.</param>
/// <param name="ProblemType"><c>single_label_classification</c> or <c>multi_label_classification</c>.</param>
/// <param name="Labels">Label names by id.</param>
/// <param name="MaxLength">Tokens per text after truncation.</param>
/// <param name="Source">Where the model was loaded from.</param>
/// <param name="Limits">The request limits this server enforces.</param>
public sealed record ModelInfo(string ModelType, string Architecture, string ProblemType, IReadOnlyList<string> Labels, int MaxLength, string Source, ServeLimits Limits);

/// <summary>The request limits of a server.</summary>
public sealed record ServeLimits(int MaxTexts, int MaxChars, int MaxBatch, double BatchWindowMs, long MaxInFlightBytes);

/// <summary>The answer of <c>GET /healthz</c>.</summary>
public sealed record HealthStatus(string Status);
