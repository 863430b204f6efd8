using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BertFineTune.Reporting;

/// <summary>
/// Writes an integer matrix (the confusion matrix) one row per line, <c>[5, 1]</c>, instead of one number per line,
/// so a 30-class matrix stays 30 readable lines in metrics.json. Reads any JSON array of integer arrays.
/// </summary>
internal sealed class CompactMatrixConverter : JsonConverter<IReadOnlyList<IReadOnlyList<int>>>
{
    public override IReadOnlyList<IReadOnlyList<int>> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<int[][]>(ref reader, options) ?? throw new JsonException("A matrix must be an array of arrays.");

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<IReadOnlyList<int>> value, JsonSerializerOptions options)
    {
        var rows = value.Select(row => "[" + string.Join(", ", row.Select(count => count.ToString(CultureInfo.InvariantCulture))) + "]").ToList();
        if (!options.WriteIndented || rows.Count == 0)
        {
            writer.WriteRawValue("[" + string.Join(",", rows) + "]");
            return;
        }

        // Raw values are not re-indented by the writer, so lay the rows out at the depth the writer is at.
        var inner = new string(options.IndentCharacter, options.IndentSize * (writer.CurrentDepth + 1));
        var outer = new string(options.IndentCharacter, options.IndentSize * writer.CurrentDepth);
        var newLine = options.NewLine;
        writer.WriteRawValue("[" + newLine + string.Join("," + newLine, rows.Select(row => inner + row)) + newLine + outer + "]");
    }
}
