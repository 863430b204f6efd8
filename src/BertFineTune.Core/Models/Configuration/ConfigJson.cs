using System.Text.Json;
using System.Text.Json.Nodes;
using BertFineTune.Diagnostics;

namespace BertFineTune.Models.Configuration;

/// <summary>
/// Typed access to the fields of a Hugging Face <c>config.json</c>, with a user error that names the file and key when a
/// field has the wrong type. Keeps the whole object so that saving preserves every field we do not model.
/// </summary>
public sealed class ConfigJson
{
    public ConfigJson(JsonObject root, string file)
    {
        Root = root;
        File = file;
    }

    /// <summary>The parsed object; treat as read-only (clone before editing).</summary>
    public JsonObject Root { get; }

    /// <summary>Where it came from, for error messages.</summary>
    public string File { get; }

    /// <summary>Reads and parses <c>config.json</c> in <paramref name="directory"/>.</summary>
    public static ConfigJson Load(string directory)
    {
        var file = Path.Combine(directory, "config.json");
        if (!System.IO.File.Exists(file))
        {
            throw new UserErrorException(
                ModelErrors.ConfigUnreadable,
                $"no config.json in {directory}. A model folder needs the Hugging Face config.json next to its weights.",
                file);
        }

        try
        {
            var node = JsonNode.Parse(System.IO.File.ReadAllText(file), documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true });
            return node is JsonObject obj
                ? new ConfigJson(obj, file)
                : throw new UserErrorException(ModelErrors.ConfigUnreadable, "config.json must hold a JSON object.", file, 1, 1);
        }
        catch (JsonException e)
        {
            throw new UserErrorException(
                ModelErrors.ConfigUnreadable,
                $"config.json is not valid JSON: {e.Message} Fix or re-download the file.",
                file,
                e.LineNumber is { } line ? (int)line + 1 : null,
                e.BytePositionInLine is { } col ? (int)col + 1 : null);
        }
    }

    public bool Has(string key) => Root[key] is not null;

    public string? String(string key) => Read(key, "a string", n => n.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : null);

    public string String(string key, string fallback) => String(key) ?? fallback;

    public int? Int(string key) => Read<int?>(key, "an integer", n => n.GetValueKind() != JsonValueKind.Number ? null : n.AsValue().TryGetValue(out int v) ? v : TryIntegral(n));

    public int Int(string key, int fallback) => Int(key) ?? fallback;

    public int RequiredInt(string key) => Int(key) ?? throw Invalid(key, "is required (an integer)");

    public double? Double(string key) => Read<double?>(key, "a number", n => n.GetValueKind() == JsonValueKind.Number ? n.GetValue<double>() : null);

    public double Double(string key, double fallback) => Double(key) ?? fallback;

    /// <summary>A dropout probability: a number in [0, 1], or null where the key is absent.</summary>
    public double? Probability(string key) => Double(key) is not { } p ? null
        : p is >= 0 and <= 1 ? p
        : throw Invalid(key, $"is {p.ToString(System.Globalization.CultureInfo.InvariantCulture)}, but a dropout probability lies between 0 and 1");

    public double Probability(string key, double fallback) => Probability(key) ?? fallback;

    public bool Bool(string key, bool fallback) => Read<bool?>(key, "true or false", n => n.GetValueKind() switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    }) ?? fallback;

    public UserErrorException Invalid(string key, string problem) =>
        new(ModelErrors.InvalidConfigValue, $"'{key}' {problem}. Fix config.json or re-download the model.", File, key: key);

    private static int? TryIntegral(JsonNode node)
    {
        // 12.0 is an integer to Python's json; accept it as HF does.
        var d = node.GetValue<double>();
        return Math.Floor(d) == d && d is >= int.MinValue and <= int.MaxValue ? (int)d : null;
    }

    private T? Read<T>(string key, string expected, Func<JsonNode, T?> convert)
    {
        var node = Root[key];
        if (node is null)
        {
            return default;
        }

        return convert(node) ?? throw Invalid(key, $"must be {expected}, not {node.ToJsonString()}");
    }
}
