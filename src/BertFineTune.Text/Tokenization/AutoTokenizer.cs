using System.Text.Json.Nodes;
using BertFineTune.Diagnostics;
using BertFineTune.Text.Tokenization.SentencePiece;

namespace BertFineTune.Text.Tokenization;

/// <summary>
/// Picks and loads the tokenizer of a model folder, like transformers' <c>AutoTokenizer.from_pretrained</c>:
/// by <c>tokenizer_config.json</c>'s <c>tokenizer_class</c>, else <c>config.json</c>'s <c>model_type</c>, else by the files present.
/// </summary>
public static class AutoTokenizer
{
    /// <summary>The tokenizer classes and model types this loader understands, for error messages and docs.</summary>
    public const string Supported =
        "tokenizer_class BertTokenizer, DistilBertTokenizer, ElectraTokenizer, RobertaTokenizer, XLMRobertaTokenizer, DebertaV2Tokenizer (also their *Fast names) or PreTrainedTokenizerFast with a byte-level BPE tokenizer.json; model_type bert, distilbert, electra, roberta, xlm-roberta, deberta-v2, modernbert";

    public static ITextTokenizer FromDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new UserErrorException("BFT200", "The model folder does not exist.", directory);
        }

        var configPath = Path.Combine(directory, "tokenizer_config.json");
        var tokenizerConfig = TokenizerConfigFile.ReadOptional(configPath);
        var modelConfig = TokenizerConfigFile.ReadOptional(Path.Combine(directory, "config.json"));
        var tokenizerClass = TokenizerConfigFile.String(tokenizerConfig, "tokenizer_class");
        var modelType = TokenizerConfigFile.String(modelConfig, "model_type");
        var kind = tokenizerClass is null ? KindFromModelType(modelType, directory) : KindFromClass(tokenizerClass, modelType);

        bool Has(string file) => File.Exists(Path.Combine(directory, file));
        return kind switch
        {
            Kind.Bert or Kind.DistilBert => WordPieceTextTokenizer.FromVocabFile(
                Path.Combine(directory, "vocab.txt"),
                WordPieceSettingsFrom(tokenizerConfig, kind, modelType)),
            Kind.Roberta when Has("vocab.json") && Has("merges.txt") => RobertaTokenizerLoader.Load(directory),
            Kind.Roberta or Kind.TokenizerJson when Has("tokenizer.json") => TokenizerJsonLoader.Load(directory),
            Kind.Roberta => RobertaTokenizerLoader.Load(directory),
            Kind.TokenizerJson => TokenizerJsonLoader.Load(directory),
            Kind.XlmRoberta => SentencePieceTokenizerLoader.LoadXlmRoberta(directory),
            Kind.DebertaV2 => SentencePieceTokenizerLoader.LoadDebertaV2(directory),
            // Without config.json (and no tokenizer_config.json naming a class) this is not a model folder at all: say that.
            _ when tokenizerClass is null && !Has("config.json") => throw new UserErrorException(
                "BFT210",
                $"no config.json in {directory}. A model folder needs the Hugging Face config.json next to its weights and tokenizer files (for a trained model: <output_dir>/model).",
                Path.Combine(directory, "config.json")),
            _ when modelType == "deberta" => throw new UserErrorException(
                "BFT205",
                "model_type 'deberta' is DeBERTa v1 (microsoft/deberta-base and its fine-tunes), which is not supported. DeBERTa-v2 and -v3 (model_type 'deberta-v2', e.g. microsoft/deberta-v3-base) are; choose one of those.",
                Path.Combine(directory, "config.json"),
                key: "model_type"),
            _ => throw new UserErrorException(
                "BFT205",
                $"Unknown tokenizer (tokenizer_class '{tokenizerClass ?? "none"}', model_type '{modelType ?? "none"}'). Supported: {Supported}.",
                tokenizerClass is null ? Path.Combine(directory, "config.json") : configPath,
                key: tokenizerClass is null ? "model_type" : "tokenizer_class"),
        };
    }

    private enum Kind
    {
        Unknown,
        Bert,
        DistilBert,
        Roberta,
        TokenizerJson,
        XlmRoberta,
        DebertaV2,
    }

    private static Kind KindFromClass(string tokenizerClass, string? modelType)
    {
        var name = tokenizerClass.EndsWith("Fast", StringComparison.Ordinal) && tokenizerClass != "PreTrainedTokenizerFast"
            ? tokenizerClass[..^4]
            : tokenizerClass;
        return name switch
        {
            "BertTokenizer" or "ElectraTokenizer" => modelType == "distilbert" ? Kind.DistilBert : Kind.Bert,
            "DistilBertTokenizer" => Kind.DistilBert,
            "RobertaTokenizer" => Kind.Roberta,
            "XLMRobertaTokenizer" => Kind.XlmRoberta,
            "DebertaV2Tokenizer" => Kind.DebertaV2,
            // A generic fast tokenizer of a SentencePiece family is its Unigram tokenizer.json.
            "PreTrainedTokenizerFast" => modelType switch
            {
                "xlm-roberta" => Kind.XlmRoberta,
                "deberta-v2" => Kind.DebertaV2,
                _ => Kind.TokenizerJson,
            },
            _ => Kind.Unknown,
        };
    }

    private static Kind KindFromModelType(string? modelType, string directory) => modelType switch
    {
        "bert" or "electra" => Kind.Bert,
        "distilbert" => Kind.DistilBert,
        "roberta" => Kind.Roberta,
        "modernbert" => Kind.TokenizerJson,
        "xlm-roberta" => Kind.XlmRoberta,
        "deberta-v2" => Kind.DebertaV2,
        null when File.Exists(Path.Combine(directory, "vocab.txt")) => Kind.Bert,
        null when File.Exists(Path.Combine(directory, "tokenizer.json")) => Kind.TokenizerJson,
        null when File.Exists(Path.Combine(directory, "vocab.json")) => Kind.Roberta,
        _ => Kind.Unknown,
    };

    private static WordPieceSettings WordPieceSettingsFrom(JsonObject config, Kind kind, string? modelType)
    {
        var defaults = new WordPieceSettings();
        var inputNames = config["model_input_names"] as JsonArray;
        var tokenTypes = inputNames is not null
            ? inputNames.Any(n => n?.GetValue<string>() == "token_type_ids")
            : kind == Kind.Bert && modelType != "distilbert";
        return new WordPieceSettings(
            TokenizerClass: kind == Kind.DistilBert ? "DistilBertTokenizer" : "BertTokenizer",
            DoLowerCase: TokenizerConfigFile.Bool(config, "do_lower_case") ?? defaults.DoLowerCase,
            StripAccents: TokenizerConfigFile.Bool(config, "strip_accents"),
            TokenizeChineseChars: TokenizerConfigFile.Bool(config, "tokenize_chinese_chars") ?? defaults.TokenizeChineseChars,
            UnkToken: TokenizerConfigFile.TokenString(config, "unk_token") ?? defaults.UnkToken,
            ClsToken: TokenizerConfigFile.TokenString(config, "cls_token") ?? defaults.ClsToken,
            SepToken: TokenizerConfigFile.TokenString(config, "sep_token") ?? defaults.SepToken,
            PadToken: TokenizerConfigFile.TokenString(config, "pad_token") ?? defaults.PadToken,
            MaskToken: TokenizerConfigFile.TokenString(config, "mask_token") ?? defaults.MaskToken,
            ReturnsTokenTypeIds: tokenTypes,
            ModelMaxLength: TokenizerConfigFile.Int(config, "model_max_length"));
    }
}
