using BertFineTune.Text.Tokenization;

namespace BertFineTune.Tests.Training.Support;

/// <summary>A whitespace tokenizer with a fixed vocabulary: [PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3, then the words.</summary>
internal sealed class WhitespaceTokenizer : ITextTokenizer
{
    private readonly Dictionary<string, int> _ids;

    public WhitespaceTokenizer(IEnumerable<string> words)
    {
        _ids = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var w in words)
        {
            _ids.TryAdd(w, _ids.Count + 4);
        }
    }

    public int VocabSize => _ids.Count + 4;

    public int PadTokenId => 0;

    public bool ReturnsTokenTypeIds => false;

    public TokenizedText Encode(string text, string? textPair = null, int? maxLength = null)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var max = (maxLength ?? int.MaxValue) - 2;
        var body = words.Take(Math.Max(0, max)).ToArray();
        var tokens = new[] { "[CLS]" }.Concat(body).Append("[SEP]").ToArray();
        var ids = tokens.Select(t => t switch
        {
            "[CLS]" => 2,
            "[SEP]" => 3,
            _ => _ids.GetValueOrDefault(t, 1),
        }).ToArray();
        return new TokenizedText(ids, null, tokens);
    }

    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        var vocab = new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]" }.Concat(_ids.OrderBy(kv => kv.Value).Select(kv => kv.Key));
        File.WriteAllLines(Path.Combine(directory, "vocab.txt"), vocab);
    }
}
