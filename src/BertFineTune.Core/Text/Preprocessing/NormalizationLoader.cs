using System.Reflection;
using System.Text;
using System.Text.Json;
using BertFineTune.Data;
using BertFineTune.Diagnostics;

namespace BertFineTune.Text.Preprocessing;

/// <summary>
/// Loads a normalization dictionary: a JSON object whose keys are the words or phrases to replace and whose values
/// (strings only) are their replacements. Comments and trailing commas are tolerated; anything else wrong is a user error
/// with the file's line and column.
/// <para>
/// <c>filepath</c> is looked up as a file first (relative to the config's folder), then as the name of a dictionary
/// bundled in this library: <c>en</c> (English slang and typos) or <c>id</c> (Indonesian colloquial → formal), with or
/// without <c>.json</c>. The bundled files also ship beside the binaries in <c>assets/normalization/</c>.
/// </para>
/// </summary>
public static class NormalizationLoader
{
    private const string ResourcePrefix = "BertFineTune.Normalization.";

    /// <summary>The names of the bundled dictionaries (<c>en</c>, <c>id</c>).</summary>
    public static IReadOnlyList<string> BundledNames { get; } = typeof(NormalizationLoader).Assembly
        .GetManifestResourceNames()
        .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
        .Select(n => n[ResourcePrefix.Length..^".json".Length])
        .Order(StringComparer.Ordinal)
        .ToArray();

    public static async Task<NormalizationDictionary> LoadAsync(
        string pathOrName, string baseDirectory, ConfigLocation? where = null, CancellationToken cancellationToken = default)
    {
        var path = Path.GetFullPath(pathOrName, Path.GetFullPath(baseDirectory));
        if (File.Exists(path))
        {
            var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
            return Parse(bytes, path);
        }

        var name = Path.GetFileNameWithoutExtension(pathOrName.Trim());
        var isBareName = pathOrName.IndexOfAny(['/', '\\']) < 0;
        if (isBareName && BundledNames.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            return LoadBundled(name);
        }

        throw new UserErrorException(new UserError(
            DataErrorCodes.NormalizationNotFound,
            $"The normalization file '{path}' does not exist (filepath is relative to the config file's folder). "
            + $"Give the path of a JSON file, or the name of a bundled dictionary: {string.Join(", ", BundledNames)}.",
            where?.ConfigFile,
            where?.Line,
            where?.Column,
            where?.KeyPath ?? "preprocessing.normalization.filepath"));
    }

    /// <summary>A bundled dictionary by name (<c>en</c>, <c>id</c>).</summary>
    public static NormalizationDictionary LoadBundled(string name)
    {
        var canonical = BundledNames.FirstOrDefault(n => n.Equals(name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"No bundled normalization dictionary '{name}'; bundled: {string.Join(", ", BundledNames)}.", nameof(name));
        using var stream = typeof(NormalizationLoader).Assembly.GetManifestResourceStream(ResourcePrefix + canonical + ".json")!;
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return Parse(memory.ToArray(), "bundled:" + canonical);
    }

    /// <summary>Parses UTF-8 JSON text; <paramref name="source"/> names it in errors.</summary>
    public static NormalizationDictionary Parse(ReadOnlySpan<byte> json, string source)
    {
        var start = json.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        json = json[start..];
        var entries = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Error(DataErrorCodes.NormalizationInvalidJson, "A normalization file must be one JSON object such as {\"u\": \"you\", \"gonna\": \"going to\"}.", json, reader, source);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString()!;
                var keyReader = reader;
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    throw Error(
                        DataErrorCodes.NormalizationNonString,
                        $"The value of \"{key}\" is {Describe(reader.TokenType)}, but every value must be a string (the replacement text); quote it, for example \"{key}\": \"...\".",
                        json, reader, source);
                }

                var normalizedKey = string.Join(' ', key.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                if (normalizedKey.Length == 0)
                {
                    throw Error(DataErrorCodes.NormalizationEmptyKey, "A key is empty; every key must be a word or phrase to replace.", json, keyReader, source);
                }

                if (!entries.TryAdd(normalizedKey, reader.GetString()!))
                {
                    throw Error(
                        DataErrorCodes.NormalizationDuplicateKey,
                        $"The key \"{key}\" appears twice (keys are case-insensitive); keep one of them.",
                        json, keyReader, source);
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject)
            {
                throw Error(DataErrorCodes.NormalizationInvalidJson, "Expected the end of the JSON object.", json, reader, source);
            }

            if (reader.Read())
            {
                throw Error(DataErrorCodes.NormalizationInvalidJson, "There is more JSON after the closing brace; a normalization file is one object.", json, reader, source);
            }
        }
        catch (JsonException e)
        {
            throw new UserErrorException(new UserError(
                DataErrorCodes.NormalizationInvalidJson,
                $"The normalization file is not valid JSON: {FirstSentence(e.Message)}. It must be one object of \"word\": \"replacement\" pairs.",
                source,
                (int)(e.LineNumber ?? 0) + 1,
                (int)(e.BytePositionInLine ?? 0) + 1));
        }

        return new NormalizationDictionary(entries, source);
    }

    private static UserErrorException Error(string code, string message, ReadOnlySpan<byte> json, Utf8JsonReader at, string source)
    {
        var offset = (int)Math.Min(at.TokenStartIndex, json.Length);
        var before = json[..offset];
        var line = before.Count((byte)'\n') + 1;
        var lineStart = before.LastIndexOf((byte)'\n') + 1;
        var column = Encoding.UTF8.GetCharCount(before[lineStart..]) + 1;
        return new UserErrorException(new UserError(code, message, source, line, column));
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        _ => token.ToString(),
    };

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd(' ', '.');
    }
}
