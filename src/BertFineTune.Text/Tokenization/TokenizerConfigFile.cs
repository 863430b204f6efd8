using System.Text.Json;
using System.Text.Json.Nodes;
using BertFineTune.Diagnostics;

namespace BertFineTune.Text.Tokenization;

/// <summary>Reads HF JSON files of a tokenizer (<c>tokenizer_config.json</c>, <c>config.json</c>) with file-named errors.</summary>
internal static class TokenizerConfigFile
{
    /// <summary>The JSON object in <paramref name="path"/>, or an empty one when the file does not exist.</summary>
    public static JsonObject ReadOptional(string path) => File.Exists(path) ? Read(path) : [];

    public static JsonObject Read(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new UserErrorException("BFT201", "The file must hold a JSON object.", path);
        }
        catch (JsonException e)
        {
            throw new UserErrorException(
                "BFT201",
                $"This is not valid JSON: {e.Message} Fix the file or download it again.",
                path,
                e.LineNumber is long line ? (int)line + 1 : null,
                e.BytePositionInLine is long col ? (int)col + 1 : null);
        }
    }

    /// <summary>A special token entry: either a plain string or an AddedToken object with <c>content</c>.</summary>
    public static string? TokenString(JsonObject config, string key) => config[key] switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonObject o when o["content"] is JsonValue c && c.TryGetValue<string>(out var s) => s,
        _ => null,
    };

    public static bool? Bool(JsonObject config, string key) =>
        config[key] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    public static string? String(JsonObject config, string key) =>
        config[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static int? Int(JsonObject config, string key) =>
        config[key] is JsonValue v && v.TryGetValue<long>(out var i) && i is >= 0 and <= int.MaxValue ? (int)i : null;
}
