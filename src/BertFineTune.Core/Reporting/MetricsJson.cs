using System.Text.Json;
using System.Text.Json.Serialization;
using BertFineTune.IO;

namespace BertFineTune.Reporting;

/// <summary>Reads and writes <c>metrics.json</c> (see <see cref="MetricsDocument"/> for its shape).</summary>
public static class MetricsJson
{
    /// <summary>The conventional file name.</summary>
    public const string FileName = "metrics.json";

    /// <summary>snake_case keys, enums as snake_case strings, nulls left out; NaN/Infinity (a diverged loss) as strings rather than a crash.</summary>
    internal static JsonSerializerOptions SerializerOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower), new CompactMatrixConverter() },
    };

    public static string Serialize(MetricsDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return JsonSerializer.Serialize(document, SerializerOptions) + "\n";
    }

    public static MetricsDocument Deserialize(string json) =>
        JsonSerializer.Deserialize<MetricsDocument>(json, SerializerOptions)
        ?? throw new JsonException("metrics.json holds null.");

    /// <summary>Writes the document atomically (temp file + rename).</summary>
    public static Task WriteAsync(MetricsDocument document, string path, CancellationToken cancellationToken = default) =>
        AtomicFile.WriteAllTextAsync(path, Serialize(document), cancellationToken);

    public static async Task<MetricsDocument> ReadAsync(string path, CancellationToken cancellationToken = default) =>
        Deserialize(await File.ReadAllTextAsync(path, cancellationToken));
}
