namespace BertFineTune.Text.Tokenization;

/// <summary>How a family wraps one or two segments in special tokens (HF <c>build_inputs_with_special_tokens</c>).</summary>
public enum PairTemplateStyle
{
    /// <summary><c>[CLS] A [SEP] B [SEP]</c>: BERT, DistilBERT, ModernBERT.</summary>
    Bert,

    /// <summary><c>&lt;s&gt; A &lt;/s&gt;&lt;/s&gt; B &lt;/s&gt;</c>: RoBERTa, XLM-RoBERTa.</summary>
    Roberta,
}

/// <summary>
/// The special tokens around the segments and the segment ids: <paramref name="ClsToken"/> A <paramref name="SepToken"/>
/// (<paramref name="SepToken"/>) B <paramref name="SepToken"/>.
/// </summary>
/// <remarks>ReturnsTokenTypeIds: BERT: A and its specials 0, B and its final separator 1. Others: none.</remarks>
public sealed record SpecialTokensTemplate(
    PairTemplateStyle Style,
    string ClsToken,
    int ClsId,
    string SepToken,
    int SepId,
    bool ReturnsTokenTypeIds)
{
    /// <summary>How many special tokens wrap one segment, or a pair.</summary>
    public int SpecialTokenCount(bool pair) => pair ? (Style == PairTemplateStyle.Roberta ? 4 : 3) : 2;

    /// <summary>Wraps already truncated segments in special tokens.</summary>
    public TokenizedText Build(IReadOnlyList<Token> first, IReadOnlyList<Token>? second)
    {
        var ids = new List<int>(first.Count + (second?.Count ?? 0) + 4);
        var tokens = new List<string>(ids.Capacity);
        var types = new List<int>(ids.Capacity);

        void Add(int id, string token, int type)
        {
            ids.Add(id);
            tokens.Add(token);
            types.Add(type);
        }

        Add(ClsId, ClsToken, 0);
        foreach (var t in first)
        {
            Add(t.Id, t.Value, 0);
        }

        Add(SepId, SepToken, 0);
        if (second is not null)
        {
            if (Style == PairTemplateStyle.Roberta)
            {
                Add(SepId, SepToken, 0);
            }

            foreach (var t in second)
            {
                Add(t.Id, t.Value, 1);
            }

            Add(SepId, SepToken, 1);
        }

        return new TokenizedText([.. ids], ReturnsTokenTypeIds ? [.. types] : null, [.. tokens]);
    }
}

/// <summary>One token of a segment before special tokens are added.</summary>
public readonly record struct Token(int Id, string Value);
