using BertFineTune.Text.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Models;

/// <summary>
/// Builds a <see cref="ModelInputs"/> batch from tokenized texts with dynamic right padding to the longest in the batch,
/// as HF's <c>DataCollatorWithPadding</c>: pad id, attention mask 0 and token type 0 at padded positions; int64 tensors.
/// Shared by training and inference.
/// </summary>
/// <param name="PadTokenId">The tokenizer's <c>pad_token_id</c>.</param>
/// <param name="IncludeTokenTypeIds">Whether the model uses token types (BERT); when false, <see cref="ModelInputs.TokenTypeIds"/> is null.</param>
public sealed record BatchCollator(int PadTokenId, bool IncludeTokenTypeIds)
{
    /// <summary>The collator for <paramref name="tokenizer"/> and <paramref name="model"/>.</summary>
    public static BatchCollator For(ITextTokenizer tokenizer, SequenceClassificationModel model) =>
        new(tokenizer.PadTokenId, model.UsesTokenTypeIds);

    /// <summary>Pads <paramref name="examples"/> to the longest and returns CPU int64 tensors <c>[batch, longest]</c>.</summary>
    public ModelInputs Collate(IReadOnlyList<TokenizedText> examples) => Pad(examples).ToInputs();

    /// <summary>
    /// The same padding into managed arrays, without touching torch: background workers prepare batches this way,
    /// and the training thread turns them into tensors inside its own dispose scope.
    /// </summary>
    public PaddedBatch Pad(IReadOnlyList<TokenizedText> examples)
    {
        ArgumentOutOfRangeException.ThrowIfZero(examples.Count);
        var length = Math.Max(1, examples.Max(e => e.Length));
        var ids = new long[examples.Count * length];
        var mask = new long[ids.Length];
        var types = IncludeTokenTypeIds ? new long[ids.Length] : null;
        Array.Fill(ids, PadTokenId);
        long real = 0;
        for (var row = 0; row < examples.Count; row++)
        {
            var example = examples[row];
            var offset = row * length;
            for (var i = 0; i < example.Length; i++)
            {
                ids[offset + i] = example.InputIds[i];
                mask[offset + i] = 1;
                if (types is not null && example.TokenTypeIds is { } exampleTypes)
                {
                    types[offset + i] = exampleTypes[i];
                }
            }

            real += example.Length;
        }

        return new PaddedBatch(examples.Count, length, ids, mask, types, real);
    }
}

/// <summary>A padded batch in managed arrays (row-major <c>[Rows, Length]</c>), plus its count of real, non-pad tokens.</summary>
public sealed record PaddedBatch(int Rows, int Length, long[] InputIds, long[] AttentionMask, long[]? TokenTypeIds, long RealTokens)
{
    /// <summary>CPU int64 tensors; call inside the dispose scope that should own them.</summary>
    public ModelInputs ToInputs()
    {
        long[] shape = [Rows, Length];
        return new ModelInputs(
            torch.tensor(InputIds, shape),
            torch.tensor(AttentionMask, shape),
            TokenTypeIds is null ? null : torch.tensor(TokenTypeIds, shape));
    }
}
