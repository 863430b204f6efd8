using System.Text.Json.Nodes;
using BertFineTune.Diagnostics;
using BertFineTune.IO;

namespace BertFineTune.Text.Tokenization;

/// <summary>
/// A fast-tokenizer <c>tokenizer.json</c> with a byte-level BPE model (ModernBERT): <c>model.vocab</c>,
/// <c>model.merges</c>, <c>added_tokens</c> and the <c>post_processor</c> template, parsed here.
/// </summary>
public static class TokenizerJsonLoader
{
    public static ByteLevelBpeTextTokenizer Load(string directory, bool? returnsTokenTypeIds = null)
    {
        var path = Path.Combine(directory, "tokenizer.json");
        if (!File.Exists(path))
        {
            throw new UserErrorException("BFT202", "tokenizer.json is missing.", path);
        }

        var configPath = Path.Combine(directory, "tokenizer_config.json");
        var config = TokenizerConfigFile.ReadOptional(configPath);
        var specialMapPath = Path.Combine(directory, "special_tokens_map.json");
        var specialMap = TokenizerConfigFile.ReadOptional(specialMapPath);
        var json = TokenizerConfigFile.Read(path);
        var model = json["model"] as JsonObject ?? throw Unsupported(path, "model", "it has no \"model\" object");
        if (TokenizerConfigFile.String(model, "type") is not "BPE")
        {
            throw Unsupported(path, "model.type", $"model type '{TokenizerConfigFile.String(model, "type")}' is not BPE; only byte-level BPE tokenizer.json files (ModernBERT) are read");
        }

        RequireByteLevel(path, json);
        var vocab = ReadVocab(path, model);
        var merges = ReadMerges(path, model);
        var specials = new Dictionary<string, int>(StringComparer.Ordinal);
        if (json["added_tokens"] is JsonArray added)
        {
            foreach (var token in added.OfType<JsonObject>())
            {
                if (TokenizerConfigFile.String(token, "content") is string content && TokenizerConfigFile.Int(token, "id") is int id)
                {
                    specials[content] = id;
                }
            }
        }

        var template = ReadTemplate(path, json, specials, vocab, returnsTokenTypeIds ?? ReturnsTokenTypeIds(config));
        var padToken = TokenizerConfigFile.TokenString(config, "pad_token") ?? TokenizerConfigFile.TokenString(specialMap, "pad_token");
        var padId = padToken is not null && (specials.TryGetValue(padToken, out var p) || vocab.TryGetValue(padToken, out p))
            ? p
            : throw new UserErrorException("BFT203", "The tokenizer has no pad token: set \"pad_token\" in tokenizer_config.json to a token of tokenizer.json.", configPath, key: "pad_token");
        var text = File.ReadAllText(path);
        return new ByteLevelBpeTextTokenizer(new ByteLevelBpeVocabulary(vocab, merges), specials, template, padId, dir =>
        {
            AtomicFile.WriteAllText(Path.Combine(dir, "tokenizer.json"), text);
            var saved = (JsonObject)config.DeepClone();
            saved["tokenizer_class"] ??= "PreTrainedTokenizerFast";
            TokenizerFiles.WriteJson(Path.Combine(dir, "tokenizer_config.json"), saved);
            if (specialMap.Count > 0)
            {
                TokenizerFiles.WriteJson(Path.Combine(dir, "special_tokens_map.json"), specialMap.DeepClone());
            }
        });
    }

    private static bool ReturnsTokenTypeIds(JsonObject config) =>
        config["model_input_names"] is JsonArray names && names.Any(n => n?.GetValue<string>() == "token_type_ids");

    private static void RequireByteLevel(string path, JsonObject json)
    {
        if (json["normalizer"] is JsonObject normalizer && TokenizerConfigFile.String(normalizer, "type") is not "NFC")
        {
            throw Unsupported(path, "normalizer", $"normalizer '{TokenizerConfigFile.String(normalizer, "type")}' is not supported (none or NFC are)");
        }

        if (json["pre_tokenizer"] is not JsonObject pre || TokenizerConfigFile.String(pre, "type") is not "ByteLevel")
        {
            throw Unsupported(path, "pre_tokenizer", "only a ByteLevel pre_tokenizer is supported");
        }

        if (TokenizerConfigFile.Bool(pre, "add_prefix_space") == true)
        {
            throw Unsupported(path, "pre_tokenizer.add_prefix_space", "add_prefix_space true is not supported");
        }
    }

    private static Dictionary<string, int> ReadVocab(string path, JsonObject model)
    {
        if (model["vocab"] is not JsonObject vocabJson)
        {
            throw Unsupported(path, "model.vocab", "it is not an object of token → id");
        }

        var vocab = new Dictionary<string, int>(vocabJson.Count, StringComparer.Ordinal);
        foreach (var (token, id) in vocabJson)
        {
            vocab[token] = id is JsonValue v && v.TryGetValue<int>(out var i) ? i : throw Unsupported(path, $"model.vocab[\"{token}\"]", "the id is not an integer");
        }

        return vocab;
    }

    private static List<(string, string)> ReadMerges(string path, JsonObject model)
    {
        var merges = new List<(string, string)>();
        if (model["merges"] is not JsonArray list)
        {
            throw Unsupported(path, "model.merges", "it is not a list");
        }

        foreach (var item in list)
        {
            // Older files write "a b"; tokenizers ≥ 0.20 writes ["a", "b"].
            var pair = item switch
            {
                JsonValue v when v.TryGetValue<string>(out var s) && s.Split(' ') is [var a, var b] => (a, b),
                JsonArray { Count: 2 } arr => (arr[0]!.GetValue<string>(), arr[1]!.GetValue<string>()),
                _ => throw Unsupported(path, "model.merges", $"entry {item?.ToJsonString()} is not a pair"),
            };
            merges.Add(pair);
        }

        return merges;
    }

    private static SpecialTokensTemplate ReadTemplate(string path, JsonObject json, Dictionary<string, int> specials, Dictionary<string, int> vocab, bool tokenTypes)
    {
        int IdOf(string token) => specials.TryGetValue(token, out var id) || vocab.TryGetValue(token, out id)
            ? id
            : throw Unsupported(path, "post_processor", $"special token '{token}' is neither an added token nor in the vocabulary");

        var post = json["post_processor"] as JsonObject ?? throw Unsupported(path, "post_processor", "it is missing, so special tokens cannot be placed");
        switch (TokenizerConfigFile.String(post, "type"))
        {
            case "TemplateProcessing":
                var single = SpecialNames(post["single"]);
                var pair = post["pair"] as JsonArray ?? throw Unsupported(path, "post_processor.pair", "it is missing");
                var between = pair.SkipWhile(p => p?["Sequence"] is null).Skip(1).TakeWhile(p => p?["Sequence"] is null).Count();
                if (single.Count != 2 || between is not (1 or 2))
                {
                    throw Unsupported(path, "post_processor", "only templates of the form CLS $A SEP [SEP] $B SEP are supported");
                }

                return new SpecialTokensTemplate(between == 2 ? PairTemplateStyle.Roberta : PairTemplateStyle.Bert, single[0], IdOf(single[0]), single[1], IdOf(single[1]), tokenTypes);
            case "RobertaProcessing":
            case "BertProcessing":
                var cls = (post["cls"] as JsonArray)?[0]?.GetValue<string>() ?? throw Unsupported(path, "post_processor.cls", "it is missing");
                var sep = (post["sep"] as JsonArray)?[0]?.GetValue<string>() ?? throw Unsupported(path, "post_processor.sep", "it is missing");
                var style = TokenizerConfigFile.String(post, "type") == "RobertaProcessing" ? PairTemplateStyle.Roberta : PairTemplateStyle.Bert;
                return new SpecialTokensTemplate(style, cls, IdOf(cls), sep, IdOf(sep), tokenTypes);
            default:
                throw Unsupported(path, "post_processor.type", $"'{TokenizerConfigFile.String(post, "type")}' is not supported (TemplateProcessing, RobertaProcessing and BertProcessing are)");
        }
    }

    private static List<string> SpecialNames(JsonNode? template) =>
        template is JsonArray items
            ? [.. items.Select(i => i?["SpecialToken"]?["id"]?.GetValue<string>()).OfType<string>()]
            : [];

    private static UserErrorException Unsupported(string path, string key, string why) =>
        new("BFT204", $"This tokenizer.json cannot be read: {why}. Supported: byte-level BPE (ModernBERT, RoBERTa-style).", path, key: key);
}
