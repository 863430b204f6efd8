using BertFineTune.Models;
using BertFineTune.Text.Tokenization;

namespace BertFineTune.Inference;

/// <summary>A model and tokenizer that are already in memory (built in code, or just trained).</summary>
public sealed class PreloadedModelSource(SequenceClassificationModel model, ITextTokenizer tokenizer, string description = "in-memory model")
    : IModelSource
{
    public string Description { get; } = description;

    public LoadedModel Load(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new LoadedModel(model, tokenizer, Description);
    }
}
