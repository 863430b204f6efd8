namespace BertFineTune.Text.Tokenization;

/// <summary>
/// A Hugging Face–compatible tokenizer: the ids of <c>tokenizer(text, text_pair, max_length=n, truncation=True)</c>
/// in transformers, special tokens and truncation (<c>longest_first</c>) included.
/// </summary>
public interface ITextTokenizer
{
    /// <summary>The id used to pad batches (<c>pad_token_id</c>).</summary>
    int PadTokenId { get; }

    /// <summary>Whether encodings carry <c>token_type_ids</c> (BERT yes; DistilBERT, RoBERTa, ModernBERT no).</summary>
    bool ReturnsTokenTypeIds { get; }

    /// <summary>Encodes one text, or a pair, with special tokens, truncated to <paramref name="maxLength"/> tokens in all.</summary>
    TokenizedText Encode(string text, string? textPair = null, int? maxLength = null);

    /// <summary>Writes the tokenizer files (HF layout) into <paramref name="directory"/>, so a saved model folder is complete.</summary>
    void Save(string directory);
}

/// <summary>One encoded example, unpadded. The attention mask of an unpadded sequence is all ones.</summary>
/// <param name="InputIds">Token ids, special tokens included.</param>
/// <param name="TokenTypeIds">Segment ids, or null when the tokenizer returns none.</param>
/// <param name="Tokens">Token strings, for debugging and reports.</param>
public sealed record TokenizedText(int[] InputIds, int[]? TokenTypeIds, string[] Tokens)
{
    private readonly int? _untruncatedLength;

    public int Length => InputIds.Length;

    /// <summary>
    /// Tokens the text had before truncation to <c>max_length</c>, special tokens included (<see cref="Length"/> when
    /// nothing was cut): the training pipeline's <c>token_lengths</c> come from the one encoding training uses.
    /// </summary>
    public int UntruncatedLength
    {
        get => _untruncatedLength ?? Length;
        init => _untruncatedLength = value;
    }
}
