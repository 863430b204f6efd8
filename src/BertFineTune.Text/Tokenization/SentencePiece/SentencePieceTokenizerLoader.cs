using System.Text.Json.Nodes;
using BertFineTune.Diagnostics;
using BertFineTune.IO;

namespace BertFineTune.Text.Tokenization.SentencePiece;

/// <summary>
/// Loads the slow-tokenizer files of the SentencePiece families: XLM-RoBERTa (<c>sentencepiece.bpe.model</c>, fairseq
/// ids) and DeBERTa-v2/v3 (<c>spm.model</c>, SentencePiece ids, <c>[MASK]</c> appended after the pieces), each with its
/// <c>tokenizer_config.json</c>; and writes them back unchanged.
/// </summary>
public static class SentencePieceTokenizerLoader
{
    /// <summary>XLM-R's model file name (HF <c>VOCAB_FILES_NAMES</c>).</summary>
    public const string XlmRobertaModelFile = "sentencepiece.bpe.model";

    /// <summary>DeBERTa-v2/v3's model file name.</summary>
    public const string DebertaV2ModelFile = "spm.model";

    // HF's SPECIAL_TOKENS_ATTRIBUTES order, which is also the order in which missing special tokens are appended.
    private static readonly string[] SpecialKeys = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"];

    // The defaults of those keys, per family.
    private static readonly string[] XlmRobertaNames = ["<s>", "</s>", "<unk>", "</s>", "<pad>", "<s>", "<mask>"];
    private static readonly string[] DebertaV2Names = ["[CLS]", "[SEP]", "[UNK]", "[SEP]", "[PAD]", "[CLS]", "[MASK]"];

    /// <summary><c>XLMRobertaTokenizer</c>: <c>&lt;s&gt; A &lt;/s&gt;&lt;/s&gt; B &lt;/s&gt;</c>, no token types, SentencePiece ids + 1.</summary>
    public static SentencePieceTextTokenizer LoadXlmRoberta(string directory) =>
        OnlyTokenizerJson(directory, XlmRobertaModelFile)
            ? SentencePieceTokenizerJson.Load(directory, PairTemplateStyle.Roberta, tokenTypes: false, XlmRobertaNames)
            : LoadXlmRoberta(directory, SentencePieceModel.Load(Path.Combine(directory, XlmRobertaModelFile)));

    internal static SentencePieceTextTokenizer LoadXlmRoberta(string directory, SentencePieceModel model)
    {
        var configPath = Path.Combine(directory, "tokenizer_config.json");
        var config = TokenizerConfigFile.ReadOptional(configPath);
        var names = Names(config, XlmRobertaNames);

        // fairseq's dictionary: four fixed ids, then SentencePiece's pieces shifted by one, then <mask>.
        var fairseq = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["<s>"] = 0,
            ["<pad>"] = 1,
            ["</s>"] = 2,
            ["<unk>"] = 3,
            ["<mask>"] = model.PieceCount + 1,
        };
        var unkId = fairseq["<unk>"];
        int IdOf(string token) => fairseq.TryGetValue(token, out var id) ? id
            : model.PieceToId(token) is int piece && piece != model.UnknownId ? piece + 1
            : unkId;

        var specials = names.Values.Distinct().ToDictionary(t => t, IdOf, StringComparer.Ordinal);
        var layout = new SentencePieceIdLayout(1, IdOf(names["unk_token"]), names["unk_token"]);
        var template = new SpecialTokensTemplate(
            PairTemplateStyle.Roberta, names["cls_token"], specials[names["cls_token"]], names["sep_token"], specials[names["sep_token"]], ReturnsTokenTypeIds: false);
        return new SentencePieceTextTokenizer(model, layout, lowerCase: false, template, specials[names["pad_token"]], specials, dir =>
            Save(dir, model, XlmRobertaModelFile, config, "XLMRobertaTokenizer", names, addedTokens: null));
    }

    /// <summary><c>DebertaV2Tokenizer</c>: <c>[CLS] A [SEP] B [SEP]</c> with BERT's token types, SentencePiece ids as they are.</summary>
    public static SentencePieceTextTokenizer LoadDebertaV2(string directory) =>
        OnlyTokenizerJson(directory, DebertaV2ModelFile)
            ? SentencePieceTokenizerJson.Load(directory, PairTemplateStyle.Bert, tokenTypes: true, DebertaV2Names)
            : LoadDebertaV2(directory, SentencePieceModel.Load(Path.Combine(directory, DebertaV2ModelFile)));

    internal static SentencePieceTextTokenizer LoadDebertaV2(string directory, SentencePieceModel model)
    {
        var configPath = Path.Combine(directory, "tokenizer_config.json");
        var config = TokenizerConfigFile.ReadOptional(configPath);
        if (TokenizerConfigFile.Bool(config, "split_by_punct") == true)
        {
            throw new UserErrorException(
                "BFT204",
                "split_by_punct true is not supported; only DeBERTa-v3's default (false) is. Remove it or set it to false.",
                configPath,
                key: "split_by_punct");
        }

        var names = Names(config, DebertaV2Names);

        // Tokens the model lacks become added tokens after the pieces, in this order (deberta-v3's [MASK] = 128000),
        // unless added_tokens.json numbers them.
        var added = ReadAddedTokens(Path.Combine(directory, "added_tokens.json"));
        var specials = new Dictionary<string, int>(StringComparer.Ordinal);
        var next = Math.Max(model.PieceCount, added.Count == 0 ? 0 : added.Values.Max() + 1);
        foreach (var key in SpecialKeys)
        {
            var token = names[key];
            if (!specials.ContainsKey(token))
            {
                specials[token] = model.PieceToId(token) ?? (added.TryGetValue(token, out var id) ? id : next++);
            }
        }

        foreach (var (token, id) in added)
        {
            specials.TryAdd(token, id);
        }

        var layout = new SentencePieceIdLayout(0, specials[names["unk_token"]], names["unk_token"]);
        var template = new SpecialTokensTemplate(
            PairTemplateStyle.Bert, names["cls_token"], specials[names["cls_token"]], names["sep_token"], specials[names["sep_token"]], ReturnsTokenTypeIds: true);
        var lowerCase = TokenizerConfigFile.Bool(config, "do_lower_case") ?? false;
        return new SentencePieceTextTokenizer(model, layout, lowerCase, template, specials[names["pad_token"]], specials, dir =>
            Save(dir, model, DebertaV2ModelFile, config, "DebertaV2Tokenizer", names, added));
    }

    /// <summary>The folder has a fast tokenizer's tokenizer.json but not the SentencePiece model file.</summary>
    private static bool OnlyTokenizerJson(string directory, string modelFile) =>
        !File.Exists(Path.Combine(directory, modelFile)) && File.Exists(Path.Combine(directory, "tokenizer.json"));

    internal static Dictionary<string, string> Names(JsonObject config, params string[] defaults)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < SpecialKeys.Length; i++)
        {
            names[SpecialKeys[i]] = TokenizerConfigFile.TokenString(config, SpecialKeys[i]) ?? defaults[i];
        }

        return names;
    }

    private static Dictionary<string, int> ReadAddedTokens(string path)
    {
        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (token, value) in TokenizerConfigFile.ReadOptional(path))
        {
            added[token] = value is JsonValue v && v.TryGetValue<int>(out var id) && id >= 0
                ? id
                : throw new UserErrorException("BFT201", $"added_tokens.json must map tokens to non-negative integer ids; '{token}' does not.", path);
        }

        return added;
    }

    private static void Save(
        string directory,
        SentencePieceModel model,
        string modelFile,
        JsonObject config,
        string tokenizerClass,
        Dictionary<string, string> names,
        Dictionary<string, int>? addedTokens)
    {
        AtomicFile.WriteAllBytes(Path.Combine(directory, modelFile), model.Bytes);
        var saved = (JsonObject)config.DeepClone();
        saved["tokenizer_class"] = tokenizerClass;
        TokenizerFiles.WriteJson(Path.Combine(directory, "tokenizer_config.json"), saved);
        var map = new JsonObject();
        foreach (var (key, token) in names)
        {
            map[key] = config[key]?.DeepClone() ?? token;
        }

        TokenizerFiles.WriteJson(Path.Combine(directory, "special_tokens_map.json"), map);
        if (addedTokens is { Count: > 0 })
        {
            var added = new JsonObject();
            foreach (var (token, id) in addedTokens)
            {
                added[token] = id;
            }

            TokenizerFiles.WriteJson(Path.Combine(directory, "added_tokens.json"), added);
        }
    }
}
