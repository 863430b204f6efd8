using BertFineTune.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Training.Batching;

/// <summary>
/// One batch padded to its longest sequence, still in managed arrays: built off the training thread, turned into
/// tensors on it (so tensor lifetimes stay inside the training loop's dispose scopes).
/// </summary>
internal sealed record CollatedBatch(
    int[] Indices,
    PaddedBatch Padded,
    long[]? LabelIds,
    float[]? MultiHot,
    int NumLabels)
{
    public int Size => Indices.Length;

    public int SequenceLength => Padded.Length;

    public long RealTokens => Padded.RealTokens;

    public ModelInputs ToInputs(Device device) => Padded.ToInputs().To(device);

    public Tensor LabelsTensor(Device device) =>
        MultiHot is not null
            ? torch.tensor(MultiHot, [Size, NumLabels]).to(device)
            : torch.tensor(LabelIds!, [Size]).to(device);
}

/// <summary>Dynamic padding (<see cref="Models.BatchCollator"/>) plus the batch's labels.</summary>
internal static class TrainingBatchCollator
{
    public static CollatedBatch Collate(TokenizedDataset data, int[] indices, bool withTokenTypes, int numLabels)
    {
        var padded = new Models.BatchCollator(data.Tokenizer.PadTokenId, withTokenTypes).Pad(indices.Select(data.Get).ToArray());
        var examples = indices.Select(i => data.Examples[i]).ToArray();
        var multiLabel = examples[0].MultiHot is not null;
        return new CollatedBatch(
            indices,
            padded,
            multiLabel ? null : examples.Select(e => (long)e.LabelId).ToArray(),
            multiLabel ? examples.SelectMany(e => e.MultiHot!).ToArray() : null,
            numLabels);
    }
}
