using System.Text.Json.Nodes;
using BertFineTune.Diagnostics;
using BertFineTune.IO;

namespace BertFineTune.Text.Tokenization.SentencePiece;

/// <summary>
/// A fast-tokenizer <c>tokenizer.json</c> whose model is a SentencePiece <c>Unigram</c> (what transformers' converter
/// writes for XLM-R and DeBERTa-v3, used when a folder has no <c>.model</c> file). Its vocabulary already carries the
/// family's final ids (XLM-R's fairseq offset included), so it is turned into a <c>ModelProto</c> with those ids — the
/// <c>Precompiled</c> charsmap as normalizer, <c>Metaspace</c>'s prefix as the dummy prefix, special tokens as control
/// pieces — and runs through the same SentencePiece code as a <c>.model</c> file.
/// </summary>
internal static class SentencePieceTokenizerJson
{
    public static SentencePieceTextTokenizer Load(string directory, PairTemplateStyle style, bool tokenTypes, string[] defaultNames)
    {
        var path = Path.Combine(directory, "tokenizer.json");
        var json = TokenizerConfigFile.Read(path);
        var model = json["model"] as JsonObject ?? throw Unsupported(path, "model", "it has no \"model\" object");
        if (TokenizerConfigFile.String(model, "type") is not "Unigram")
        {
            throw Unsupported(path, "model.type", $"model type '{TokenizerConfigFile.String(model, "type")}' is not Unigram, which this family's tokenizer.json must be");
        }

        if (TokenizerConfigFile.Bool(model, "byte_fallback") == true)
        {
            throw Unsupported(path, "model.byte_fallback", "byte_fallback true is not supported");
        }

        var vocab = model["vocab"] as JsonArray ?? throw Unsupported(path, "model.vocab", "it must be a list of [piece, score] pairs");
        var unkId = TokenizerConfigFile.Int(model, "unk_id") ?? throw Unsupported(path, "model.unk_id", "it must name the unknown piece's id");
        var specials = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in (json["added_tokens"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (TokenizerConfigFile.String(token, "content") is string content && TokenizerConfigFile.Int(token, "id") is int id)
            {
                specials[content] = id;
            }
        }

        var specialIds = specials.Values.ToHashSet();
        var pieces = new List<SentencePieceEntry>(vocab.Count);
        for (var i = 0; i < vocab.Count; i++)
        {
            if (vocab[i] is not JsonArray { Count: 2 } pair || pair[0] is not JsonValue p || !p.TryGetValue<string>(out var piece) ||
                pair[1] is not JsonValue s || !s.TryGetValue<double>(out var score))
            {
                throw Unsupported(path, $"model.vocab[{i}]", "each entry must be [piece, score]");
            }

            var type = i == unkId ? SentencePieceType.Unknown : specialIds.Contains(i) ? SentencePieceType.Control : SentencePieceType.Normal;
            pieces.Add(new SentencePieceEntry(piece, (float)score, type));
        }

        if (unkId < 0 || unkId >= pieces.Count)
        {
            throw Unsupported(path, "model.unk_id", $"{unkId} is not an id of model.vocab");
        }

        var configPath = Path.Combine(directory, "tokenizer_config.json");
        var config = TokenizerConfigFile.ReadOptional(configPath);
        var names = SentencePieceTokenizerLoader.Names(config, defaultNames);
        int IdOf(string token) => specials.TryGetValue(token, out var id) ? id
            : pieces.FindIndex(e => e.Piece == token) is var index and >= 0 ? index
            : throw new UserErrorException("BFT203", $"The special token '{token}' is not in tokenizer.json. Check the special tokens in tokenizer_config.json.", path);
        foreach (var token in names.Values.Distinct())
        {
            specials[token] = IdOf(token);
        }

        var bytes = SentencePieceModelProto.Write(
            pieces,
            SentencePieceAlgorithm.Unigram,
            ReadNormalizer(path, json),
            unkId,
            bosId: specials[names["cls_token"]],
            eosId: specials[names["sep_token"]],
            padId: specials[names["pad_token"]]);
        var spm = SentencePieceModel.FromBytes(bytes, "tokenizer.json", path);
        var layout = new SentencePieceIdLayout(0, unkId, pieces[unkId].Piece);
        var template = new SpecialTokensTemplate(style, names["cls_token"], specials[names["cls_token"]], names["sep_token"], specials[names["sep_token"]], tokenTypes);
        var text = File.ReadAllText(path);
        var lowerCase = TokenizerConfigFile.Bool(config, "do_lower_case") ?? false;
        return new SentencePieceTextTokenizer(spm, layout, lowerCase, template, specials[names["pad_token"]], specials, dir =>
        {
            AtomicFile.WriteAllText(Path.Combine(dir, "tokenizer.json"), text);
            TokenizerFiles.WriteJson(Path.Combine(dir, "tokenizer_config.json"), config.DeepClone());
            var map = new JsonObject();
            foreach (var (key, token) in names)
            {
                map[key] = token;
            }

            TokenizerFiles.WriteJson(Path.Combine(dir, "special_tokens_map.json"), map);
        });
    }

    /// <summary>The normalizer and pre-tokenizer of the converter's layout as a SentencePiece <c>NormalizerSpec</c>.</summary>
    private static SentencePieceNormalizerSpec ReadNormalizer(string path, JsonObject json)
    {
        var normalizers = Flatten(json["normalizer"], "normalizers").ToList();
        var precompiled = normalizers.FirstOrDefault(n => TokenizerConfigFile.String(n, "type") == "Precompiled");
        byte[] charsmap = [];
        if (precompiled is not null && TokenizerConfigFile.String(precompiled, "precompiled_charsmap") is string base64)
        {
            try
            {
                charsmap = Convert.FromBase64String(base64);
            }
            catch (FormatException)
            {
                throw Unsupported(path, "normalizer.precompiled_charsmap", "it is not base64");
            }
        }

        var unsupported = normalizers.Select(n => TokenizerConfigFile.String(n, "type")).Where(t => t is not ("Precompiled" or "Replace" or "Strip")).ToList();
        if (unsupported.Count > 0)
        {
            throw Unsupported(path, "normalizer", $"normalizer '{unsupported[0]}' is not supported (Precompiled, Replace of repeated spaces and Strip are)");
        }

        var metaspace = Flatten(json["pre_tokenizer"], "pretokenizers").FirstOrDefault(n => TokenizerConfigFile.String(n, "type") == "Metaspace")
            ?? throw Unsupported(path, "pre_tokenizer", "a SentencePiece tokenizer.json needs a Metaspace pre_tokenizer");
        var addPrefix = TokenizerConfigFile.Bool(metaspace, "add_prefix_space")
            ?? TokenizerConfigFile.String(metaspace, "prepend_scheme") is not "never";
        return new SentencePieceNormalizerSpec(charsmap, AddDummyPrefix: addPrefix, RemoveExtraWhitespaces: true, EscapeWhitespaces: true);
    }

    private static IEnumerable<JsonObject> Flatten(JsonNode? node, string listKey) => node switch
    {
        JsonObject o when o[listKey] is JsonArray list => list.OfType<JsonObject>().SelectMany(n => Flatten(n, listKey)),
        JsonObject o => [o],
        _ => [],
    };

    private static UserErrorException Unsupported(string path, string key, string problem) =>
        new("BFT204", $"This tokenizer.json cannot be read: {problem}.", path, key: key);
}
