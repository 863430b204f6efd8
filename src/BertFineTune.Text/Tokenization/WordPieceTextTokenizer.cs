using System.Text;
using System.Text.Json.Nodes;
using BertFineTune.Diagnostics;
using BertFineTune.IO;
using Microsoft.ML.Tokenizers;

namespace BertFineTune.Text.Tokenization;

/// <summary>
/// BERT's WordPiece (<c>vocab.txt</c>): our <see cref="BertBasicTokenizer"/> (HF's basic tokenizer: clean text, CJK
/// split, punctuation split, lower case, accent stripping) splits words, Microsoft.ML.Tokenizers'
/// <see cref="WordPieceTokenizer"/> does the greedy longest match on each word. Special tokens, pair template and
/// truncation are ours (<see cref="SegmentTokenizer"/>).
/// </summary>
public sealed class WordPieceTextTokenizer : SegmentTokenizer
{
    private readonly WordPieceTokenizer _wordPiece;
    private readonly BertBasicTokenizer _basic;

    private WordPieceTextTokenizer(WordPieceTokenizer wordPiece, IReadOnlyDictionary<string, int> specials, IReadOnlyList<string> vocabulary, WordPieceSettings settings, SpecialTokensTemplate template, int padId)
        : base(template, padId, specials)
    {
        _wordPiece = wordPiece;
        _basic = new BertBasicTokenizer(settings.DoLowerCase, settings.RemovesAccents, settings.TokenizeChineseChars);
        Vocabulary = vocabulary;
        Settings = settings;
    }

    /// <summary>The vocabulary in id order (line n of <c>vocab.txt</c> is id n).</summary>
    public IReadOnlyList<string> Vocabulary { get; }

    public WordPieceSettings Settings { get; }

    /// <summary>Loads <c>vocab.txt</c> (LF or CRLF line endings).</summary>
    public static WordPieceTextTokenizer FromVocabFile(string vocabPath, WordPieceSettings settings)
    {
        if (!File.Exists(vocabPath))
        {
            throw new UserErrorException("BFT202", "The WordPiece vocabulary file is missing; a BERT tokenizer needs vocab.txt beside tokenizer_config.json.", vocabPath);
        }

        var lines = File.ReadAllText(vocabPath).Split('\n');
        var count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        var vocabulary = new string[count];
        for (var i = 0; i < count; i++)
        {
            vocabulary[i] = lines[i].TrimEnd('\r');
        }

        return FromVocabulary(vocabulary, settings, vocabPath);
    }

    public static WordPieceTextTokenizer FromVocabulary(IReadOnlyList<string> vocabulary, WordPieceSettings settings, string? source = null)
    {
        var ids = new Dictionary<string, int>(vocabulary.Count, StringComparer.Ordinal);
        for (var i = 0; i < vocabulary.Count; i++)
        {
            ids.TryAdd(vocabulary[i], i);
        }

        int IdOf(string token) => ids.TryGetValue(token, out var id)
            ? id
            : throw new UserErrorException("BFT203", $"The special token '{token}' is not in the vocabulary. Check tokenizer_config.json's special tokens against vocab.txt.", source);

        var clsId = IdOf(settings.ClsToken);
        var sepId = IdOf(settings.SepToken);
        var padId = IdOf(settings.PadToken);
        IdOf(settings.UnkToken);

        // The library reads one token per line; hand it LF-only text so CRLF vocabularies (the MiniLM package's) load too.
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', vocabulary) + "\n"));
        var wordPiece = WordPieceTokenizer.Create(stream, new WordPieceOptions
        {
            UnknownToken = settings.UnkToken,
            ContinuingSubwordPrefix = "##",
            MaxInputCharsPerWord = 100,
        });
        var specials = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in new[] { settings.UnkToken, settings.ClsToken, settings.SepToken, settings.PadToken, settings.MaskToken })
        {
            if (ids.TryGetValue(token, out var id))
            {
                specials[token] = id;
            }
        }

        var template = new SpecialTokensTemplate(PairTemplateStyle.Bert, settings.ClsToken, clsId, settings.SepToken, sepId, settings.ReturnsTokenTypeIds);
        return new WordPieceTextTokenizer(wordPiece, specials, vocabulary, settings, template, padId);
    }

    protected override void TokenizePiece(string piece, List<Token> tokens)
    {
        foreach (var word in _basic.Tokenize(piece))
        {
            foreach (var t in _wordPiece.EncodeToTokens(word, out _, considerPreTokenization: false, considerNormalization: false))
            {
                tokens.Add(new Token(t.Id, t.Value));
            }
        }
    }

    public override void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        AtomicFile.WriteAllText(Path.Combine(directory, "vocab.txt"), string.Join('\n', Vocabulary) + "\n");
        var s = Settings;
        var config = new JsonObject
        {
            ["tokenizer_class"] = s.TokenizerClass,
            ["do_lower_case"] = s.DoLowerCase,
            ["strip_accents"] = s.StripAccents,
            ["tokenize_chinese_chars"] = s.TokenizeChineseChars,
            ["do_basic_tokenize"] = true,
            ["never_split"] = null,
            ["unk_token"] = s.UnkToken,
            ["cls_token"] = s.ClsToken,
            ["sep_token"] = s.SepToken,
            ["pad_token"] = s.PadToken,
            ["mask_token"] = s.MaskToken,
            ["clean_up_tokenization_spaces"] = true,
        };
        if (s.ModelMaxLength is int max)
        {
            config["model_max_length"] = max;
        }

        TokenizerFiles.WriteJson(Path.Combine(directory, "tokenizer_config.json"), config);
        TokenizerFiles.WriteJson(Path.Combine(directory, "special_tokens_map.json"), new JsonObject
        {
            ["unk_token"] = s.UnkToken,
            ["cls_token"] = s.ClsToken,
            ["sep_token"] = s.SepToken,
            ["pad_token"] = s.PadToken,
            ["mask_token"] = s.MaskToken,
        });
    }
}
