namespace BertFineTune.Text.Tokenization;

/// <summary>
/// The part every family shares: split out special-token text, tokenize the rest of each segment, truncate
/// (<c>longest_first</c>), then wrap in the family's template.
/// </summary>
public abstract class SegmentTokenizer : ITextTokenizer
{
    private readonly SpecialTokenSplitter _specials;

    protected SegmentTokenizer(SpecialTokensTemplate template, int padTokenId, IReadOnlyDictionary<string, int> specialTokens)
    {
        Template = template;
        PadTokenId = padTokenId;
        _specials = new SpecialTokenSplitter(specialTokens);
    }

    public SpecialTokensTemplate Template { get; }

    public int PadTokenId { get; }

    public bool ReturnsTokenTypeIds => Template.ReturnsTokenTypeIds;

    /// <summary>Tokens of one segment, special tokens not added (special-token text in it maps to its id).</summary>
    public List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        foreach (var (piece, id) in _specials.Split(text))
        {
            if (id is int special)
            {
                tokens.Add(new Token(special, piece));
            }
            else
            {
                TokenizePiece(piece, tokens);
            }
        }

        return tokens;
    }

    public TokenizedText Encode(string text, string? textPair = null, int? maxLength = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = Tokenize(text);
        var second = textPair is null ? null : Tokenize(textPair);
        var specials = Template.SpecialTokenCount(second is not null);
        var untruncated = first.Count + (second?.Count ?? 0) + specials;
        if (maxLength is int max)
        {
            (first, second) = LongestFirstTruncation.Apply(first, second, specials, max);
        }

        return Template.Build(first, second) with { UntruncatedLength = untruncated };
    }

    public abstract void Save(string directory);

    /// <summary>The family's own algorithm on text that holds no special token; appends to <paramref name="tokens"/>.</summary>
    protected abstract void TokenizePiece(string piece, List<Token> tokens);
}
