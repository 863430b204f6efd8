namespace BertFineTune.Text.Tokenization;

/// <summary>
/// The part every family shares: tokenize each segment without special tokens, truncate (<c>longest_first</c>),
/// then wrap in the family's template.
/// </summary>
public abstract class SegmentTokenizer : ITextTokenizer
{
    protected SegmentTokenizer(SpecialTokensTemplate template, int padTokenId)
    {
        Template = template;
        PadTokenId = padTokenId;
    }

    public SpecialTokensTemplate Template { get; }

    public int PadTokenId { get; }

    public bool ReturnsTokenTypeIds => Template.ReturnsTokenTypeIds;

    /// <summary>Tokens of one segment, special tokens not added.</summary>
    public abstract List<Token> Tokenize(string text);

    public TokenizedText Encode(string text, string? textPair = null, int? maxLength = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = Tokenize(text);
        var second = textPair is null ? null : Tokenize(textPair);
        if (maxLength is int max)
        {
            (first, second) = LongestFirstTruncation.Apply(first, second, Template.SpecialTokenCount(second is not null), max);
        }

        return Template.Build(first, second);
    }

    public abstract void Save(string directory);
}
