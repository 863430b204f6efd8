using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Models;

/// <summary>
/// One padded batch, as Hugging Face passes it to a model: int64 <c>[batch, seq]</c> tensors.
/// <paramref name="TokenTypeIds"/> is null for models without token types (DistilBERT, RoBERTa, ModernBERT).
/// </summary>
public sealed record ModelInputs(Tensor InputIds, Tensor AttentionMask, Tensor? TokenTypeIds = null)
{
    public ModelInputs To(Device device) =>
        new(InputIds.to(device), AttentionMask.to(device), TokenTypeIds?.to(device));
}
