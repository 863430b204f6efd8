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
    int SequenceLength,
    long[] InputIds,
    long[] AttentionMask,
    long[]? TokenTypeIds,
    long[]? LabelIds,
    float[]? MultiHot,
    int NumLabels,
    long RealTokens)
{
    public int Size => Indices.Length;

    public ModelInputs ToInputs(Device device)
    {
        var shape = new long[] { Size, SequenceLength };
        return new ModelInputs(
            torch.tensor(InputIds, shape).to(device),
            torch.tensor(AttentionMask, shape).to(device),
            TokenTypeIds is null ? null : torch.tensor(TokenTypeIds, shape).to(device));
    }

    public Tensor LabelsTensor(Device device) =>
        MultiHot is not null
            ? torch.tensor(MultiHot, [Size, NumLabels]).to(device)
            : torch.tensor(LabelIds!, [Size]).to(device);
}

/// <summary>Dynamic padding: right-pads every sequence of a batch to the batch's longest, mask 0 and token type 0 on pads.</summary>
internal static class BatchCollator
{
    public static CollatedBatch Collate(TokenizedDataset data, int[] indices, bool withTokenTypes, int numLabels)
    {
        var encodings = indices.Select(data.Get).ToArray();
        var seq = Math.Max(1, encodings.Max(e => e.Length));
        var b = indices.Length;
        var ids = new long[b * seq];
        var mask = new long[b * seq];
        var types = withTokenTypes ? new long[b * seq] : null;
        long real = 0;
        var pad = data.Tokenizer.PadTokenId;
        for (var r = 0; r < b; r++)
        {
            var e = encodings[r];
            var row = r * seq;
            for (var t = 0; t < seq; t++)
            {
                var inside = t < e.Length;
                ids[row + t] = inside ? e.InputIds[t] : pad;
                mask[row + t] = inside ? 1 : 0;
                if (types is not null)
                {
                    types[row + t] = inside && e.TokenTypeIds is not null ? e.TokenTypeIds[t] : 0;
                }
            }

            real += e.Length;
        }

        var examples = indices.Select(i => data.Examples[i]).ToArray();
        var multiLabel = examples[0].MultiHot is not null;
        return new CollatedBatch(
            indices,
            seq,
            ids,
            mask,
            types,
            multiLabel ? null : examples.Select(e => (long)e.LabelId).ToArray(),
            multiLabel ? examples.SelectMany(e => e.MultiHot!).ToArray() : null,
            numLabels,
            real);
    }
}
