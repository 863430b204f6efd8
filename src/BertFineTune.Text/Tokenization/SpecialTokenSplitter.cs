namespace BertFineTune.Text.Tokenization;

/// <summary>
/// Cuts raw text at special-token strings (<c>&lt;s&gt;</c>, <c>[SEP]</c>, …) so they map to their ids instead of being
/// split into pieces, as HF tokenizers do before the model runs. Longer tokens win at the same position.
/// </summary>
internal sealed class SpecialTokenSplitter
{
    private readonly (string Text, int Id)[] _tokens;

    public SpecialTokenSplitter(IEnumerable<KeyValuePair<string, int>> specialTokens)
    {
        _tokens = [.. specialTokens.Where(t => t.Key.Length > 0).Select(t => (t.Key, t.Value)).OrderByDescending(t => t.Key.Length)];
    }

    /// <summary>Pieces in order: plain text (Id null) or one special token (Id set).</summary>
    public IEnumerable<(string Text, int? Id)> Split(string text)
    {
        var start = 0;
        var i = 0;
        while (i < text.Length)
        {
            var match = _tokens.FirstOrDefault(t => string.CompareOrdinal(text, i, t.Text, 0, t.Text.Length) == 0);
            if (match.Text is null)
            {
                i++;
                continue;
            }

            if (i > start)
            {
                yield return (text[start..i], null);
            }

            yield return (match.Text, match.Id);
            i += match.Text.Length;
            start = i;
        }

        if (start < text.Length)
        {
            yield return (text[start..], null);
        }
    }
}
