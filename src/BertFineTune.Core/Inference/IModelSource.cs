using BertFineTune.Models;
using BertFineTune.Text.Tokenization;

namespace BertFineTune.Inference;

/// <summary>
/// Where a <see cref="TextClassifier"/> gets its model and tokenizer: a model folder, a Hub id, or objects already in memory.
/// </summary>
public interface IModelSource
{
    /// <summary>Where the model comes from, as shown to users (<c>GET /v1/model</c>, logs): a folder, a Hub id, "in-memory".</summary>
    string Description { get; }

    /// <summary>Loads (or hands over) the model and its tokenizer. The caller owns the returned model.</summary>
    LoadedModel Load(CancellationToken cancellationToken);
}

/// <summary>A model ready for inference, its tokenizer, and where they came from.</summary>
public sealed record LoadedModel(SequenceClassificationModel Model, ITextTokenizer Tokenizer, string Source);
