using System.Text.Json;
using System.Text.Json.Nodes;
using BertFineTune.Diagnostics;
using BertFineTune.IO;

namespace BertFineTune.Text.Tokenization;

/// <summary>RoBERTa's slow-tokenizer files: <c>vocab.json</c>, <c>merges.txt</c> and <c>tokenizer_config.json</c>.</summary>
public static class RobertaTokenizerLoader
{
    public static ByteLevelBpeTextTokenizer Load(string directory)
    {
        var vocabPath = Path.Combine(directory, "vocab.json");
        var mergesPath = Path.Combine(directory, "merges.txt");
        var config = TokenizerConfigFile.ReadOptional(Path.Combine(directory, "tokenizer_config.json"));
        RequireNoPrefixSpace(config, Path.Combine(directory, "tokenizer_config.json"));
        var vocab = ReadVocab(vocabPath);
        var merges = ReadMerges(mergesPath);
        var vocabulary = new ByteLevelBpeVocabulary(vocab, merges);

        string Special(string key, string fallback) => TokenizerConfigFile.TokenString(config, key) ?? fallback;
        var names = new Dictionary<string, string>
        {
            ["bos_token"] = Special("bos_token", "<s>"),
            ["eos_token"] = Special("eos_token", "</s>"),
            ["unk_token"] = Special("unk_token", "<unk>"),
            ["sep_token"] = Special("sep_token", "</s>"),
            ["pad_token"] = Special("pad_token", "<pad>"),
            ["cls_token"] = Special("cls_token", "<s>"),
            ["mask_token"] = Special("mask_token", "<mask>"),
        };
        var specials = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (_, token) in names)
        {
            specials[token] = vocab.TryGetValue(token, out var id)
                ? id
                : throw new UserErrorException("BFT203", $"The special token '{token}' is not in vocab.json. Check the special tokens in tokenizer_config.json.", vocabPath);
        }

        var template = new SpecialTokensTemplate(
            PairTemplateStyle.Roberta,
            names["cls_token"],
            specials[names["cls_token"]],
            names["sep_token"],
            specials[names["sep_token"]],
            ReturnsTokenTypeIds: false);

        return new ByteLevelBpeTextTokenizer(vocabulary, specials, template, specials[names["pad_token"]], dir => Save(dir, vocabulary, config, names));
    }

    internal static Dictionary<string, int> ReadVocab(string path)
    {
        if (!File.Exists(path))
        {
            throw new UserErrorException("BFT202", "The BPE vocabulary file is missing; a RoBERTa tokenizer needs vocab.json and merges.txt.", path);
        }

        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(path))
                ?? throw new UserErrorException("BFT201", "vocab.json must be a JSON object mapping tokens to ids.", path);
        }
        catch (JsonException e)
        {
            throw new UserErrorException("BFT201", $"vocab.json must be a JSON object mapping tokens to ids: {e.Message}", path, e.LineNumber is long l ? (int)l + 1 : null);
        }
    }

    internal static List<(string, string)> ReadMerges(string path)
    {
        if (!File.Exists(path))
        {
            throw new UserErrorException("BFT202", "The BPE merges file is missing; a RoBERTa tokenizer needs vocab.json and merges.txt.", path);
        }

        var merges = new List<(string, string)>();
        var lineNumber = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r');
            if ((lineNumber == 1 && line.StartsWith("#version", StringComparison.Ordinal)) || line.Length == 0)
            {
                continue;
            }

            var parts = line.Split(' ');
            if (parts.Length != 2)
            {
                throw new UserErrorException("BFT201", "Each line of merges.txt must hold two tokens separated by one space.", path, lineNumber, 1);
            }

            merges.Add((parts[0], parts[1]));
        }

        return merges;
    }

    private static void RequireNoPrefixSpace(JsonObject config, string path)
    {
        if (TokenizerConfigFile.Bool(config, "add_prefix_space") == true)
        {
            throw new UserErrorException("BFT204", "add_prefix_space true is not supported; only RoBERTa's default (false) is.", path, key: "add_prefix_space");
        }
    }

    private static void Save(string directory, ByteLevelBpeVocabulary vocabulary, JsonObject config, Dictionary<string, string> names)
    {
        var vocab = new JsonObject();
        foreach (var (token, id) in vocabulary.Vocab.OrderBy(kv => kv.Value))
        {
            vocab[token] = id;
        }

        TokenizerFiles.WriteJson(Path.Combine(directory, "vocab.json"), vocab);
        AtomicFile.WriteAllText(
            Path.Combine(directory, "merges.txt"),
            "#version: 0.2\n" + string.Concat(vocabulary.Merges.Select(m => $"{m.Left} {m.Right}\n")));
        var saved = (JsonObject)config.DeepClone();
        saved["tokenizer_class"] = "RobertaTokenizer";
        saved["add_prefix_space"] = false;
        TokenizerFiles.WriteJson(Path.Combine(directory, "tokenizer_config.json"), saved);
        var map = new JsonObject();
        foreach (var (key, token) in names)
        {
            map[key] = token;
        }

        TokenizerFiles.WriteJson(Path.Combine(directory, "special_tokens_map.json"), map);
    }
}
