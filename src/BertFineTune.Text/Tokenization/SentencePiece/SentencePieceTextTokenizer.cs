namespace BertFineTune.Text.Tokenization.SentencePiece;

/// <summary>
/// How a family numbers SentencePiece's pieces. DeBERTa-v3 uses the model's ids as they are; XLM-R uses fairseq's
/// dictionary, which puts <c>&lt;s&gt;</c>, <c>&lt;pad&gt;</c>, <c>&lt;/s&gt;</c>, <c>&lt;unk&gt;</c> at 0–3 and so shifts every
/// other piece by one.
/// </summary>
/// <param name="Offset">Added to every known piece's id (XLM-R: 1).</param>
/// <param name="UnknownId">The id of the unknown token in the tokenizer's numbering.</param>
/// <param name="UnknownToken">Its text (<c>&lt;unk&gt;</c>, <c>[UNK]</c>), shown as the token of an unknown run.</param>
public sealed record SentencePieceIdLayout(int Offset, int UnknownId, string UnknownToken);

/// <summary>
/// HF's slow SentencePiece tokenizers (<c>XLMRobertaTokenizer</c>, <c>DebertaV2Tokenizer</c>): each stretch of text
/// between special tokens is encoded by the SentencePiece model (normalizer and dummy prefix included), its ids mapped by
/// the family's <see cref="SentencePieceIdLayout"/>; special tokens, truncation and the template come from
/// <see cref="SegmentTokenizer"/>.
/// </summary>
public sealed class SentencePieceTextTokenizer : SegmentTokenizer
{
    private readonly SentencePieceIdLayout _layout;
    private readonly bool _lowerCase;
    private readonly Action<string> _save;

    internal SentencePieceTextTokenizer(
        SentencePieceModel model,
        SentencePieceIdLayout layout,
        bool lowerCase,
        SpecialTokensTemplate template,
        int padTokenId,
        IReadOnlyDictionary<string, int> specialTokens,
        Action<string> save)
        : base(template, padTokenId, specialTokens)
    {
        Model = model;
        _layout = layout;
        _lowerCase = lowerCase;
        _save = save;
    }

    public SentencePieceModel Model { get; }

    public override void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        _save(directory);
    }

    protected override void TokenizePiece(string piece, List<Token> tokens)
    {
        // DebertaV2Tokenizer lowercases before SentencePiece when do_lower_case is set (Python's str.lower).
        var text = _lowerCase ? piece.ToLowerInvariant() : piece;
        foreach (var (id, surface) in Model.Encode(text))
        {
            tokens.Add(id == Model.UnknownId
                ? new Token(_layout.UnknownId, _layout.UnknownToken)
                : new Token(id + _layout.Offset, surface));
        }
    }
}
