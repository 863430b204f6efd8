using BertFineTune.Models;
using BertFineTune.Text.Tokenization;
using TorchSharp;

namespace BertFineTune.Inference;

/// <summary>Pads encoded texts to the longest one into int64 <c>[batch, seq]</c> tensors, as HF's data collator does.</summary>
internal static class BatchCollator
{
    public static ModelInputs Collate(IReadOnlyList<TokenizedText> encodings, int padTokenId, bool withTokenTypes)
    {
        var batch = encodings.Count;
        var width = encodings.Max(e => e.Length);
        var ids = new long[batch * width];
        var mask = new long[batch * width];
        var types = withTokenTypes ? new long[batch * width] : null;
        Array.Fill(ids, padTokenId);
        for (var row = 0; row < batch; row++)
        {
            var encoding = encodings[row];
            var offset = row * width;
            for (var col = 0; col < encoding.Length; col++)
            {
                ids[offset + col] = encoding.InputIds[col];
                mask[offset + col] = 1;
                if (types is not null && encoding.TokenTypeIds is { } tokenTypes)
                {
                    types[offset + col] = tokenTypes[col];
                }
            }
        }

        long[] shape = [batch, width];
        return new ModelInputs(
            torch.tensor(ids, shape),
            torch.tensor(mask, shape),
            types is null ? null : torch.tensor(types, shape));
    }
}
