using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace BertFineTune.Text.Tokenization;

/// <summary>
/// Byte-level BPE (RoBERTa's <c>vocab.json</c> + <c>merges.txt</c>, ModernBERT's <c>tokenizer.json</c>), with
/// <c>add_prefix_space</c> false: Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/> (ByteLevel) runs the byte mapping and
/// merges after GPT-2's pre-tokenizer regex; special tokens, template and truncation are ours.
/// </summary>
public sealed class ByteLevelBpeTextTokenizer : SegmentTokenizer
{
    private readonly BpeTokenizer _tokenizer;
    private readonly Action<string> _save;

    internal ByteLevelBpeTextTokenizer(
        ByteLevelBpeVocabulary vocabulary,
        IReadOnlyDictionary<string, int> specialTokens,
        SpecialTokensTemplate template,
        int padTokenId,
        Action<string> save)
        : base(template, padTokenId, specialTokens)
    {
        Vocabulary = vocabulary;
        _save = save;
        _tokenizer = CreateLibraryTokenizer(vocabulary);
    }

    public ByteLevelBpeVocabulary Vocabulary { get; }

    protected override void TokenizePiece(string piece, List<Token> tokens)
    {
        foreach (var t in _tokenizer.EncodeToTokens(piece, out _))
        {
            tokens.Add(new Token(t.Id, t.Value));
        }
    }

    public override void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        _save(directory);
    }

    // GPT-2's pre-tokenizer pattern (tokenizers' ByteLevel with use_regex true).
    private static readonly Regex Gpt2Pattern = new(
        @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+",
        RegexOptions.Compiled);

    private static BpeTokenizer CreateLibraryTokenizer(ByteLevelBpeVocabulary vocabulary) =>
        BpeTokenizer.Create(new BpeOptions(vocabulary.Vocab)
        {
            Merges = vocabulary.Merges.Select(m => $"{m.Left} {m.Right}"),
            ByteLevel = true,
            PreTokenizer = new RegexPreTokenizer(Gpt2Pattern, specialTokens: null),
        });
}
