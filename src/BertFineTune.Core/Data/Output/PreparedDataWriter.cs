using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using BertFineTune.Data.Labels;
using BertFineTune.IO;
using CsvHelper;

namespace BertFineTune.Data.Output;

/// <summary>
/// Writes a <see cref="PreparedData"/> into a folder (the lead passes <c>&lt;output_dir&gt;/data</c>): <c>train.csv</c>,
/// <c>validation.csv</c>, <c>test.csv</c> (only when there is a test split; a stale one is removed), <c>labels.json</c>
/// and <c>data_report.json</c>. Every file is written atomically. The CSVs hold the target text and label columns
/// (label names, multi-label names joined with the label delimiter) and <c>source</c>, UTF-8 without BOM, RFC 4180.
/// </summary>
public static class PreparedDataWriter
{
    public const string LabelsFileName = "labels.json";
    public const string ReportFileName = "data_report.json";

    public static JsonSerializerOptions ReportJsonOptions { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Writes every output file with the target column names and label delimiter of <paramref name="options"/>.</summary>
    public static Task<IReadOnlyList<string>> WriteAsync(PreparedData data, string folder, DataPipelineOptions options, CancellationToken cancellationToken = default) =>
        WriteAsync(data, folder, options.TargetOrDefault, options.LabelsOrDefault.LabelDelimiter, cancellationToken);

    /// <summary>Writes every output file and returns their paths.</summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(
        PreparedData data, string folder, TargetColumns? target = null, string labelDelimiter = "|", CancellationToken cancellationToken = default)
    {
        target ??= TargetColumns.Default;
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        var splits = new[] { data.Train, data.Validation, data.Test };
        for (var s = 0; s < splits.Length; s++)
        {
            var path = Path.Combine(folder, DataPipeline.SplitNames[s] + ".csv");
            if (s == 2 && !data.HasTestSplit)
            {
                File.Delete(path);
                continue;
            }

            await WriteSplitAsync(path, splits[s], data.Labels, target, labelDelimiter, cancellationToken);
            written.Add(path);
        }

        var labelsPath = Path.Combine(folder, LabelsFileName);
        await AtomicFile.WriteAllTextAsync(labelsPath, data.Labels.ToJson() + "\n", cancellationToken);
        written.Add(labelsPath);

        var reportPath = Path.Combine(folder, ReportFileName);
        await AtomicFile.WriteAllTextAsync(reportPath, ToJson(data.Report) + "\n", cancellationToken);
        written.Add(reportPath);
        return written;
    }

    /// <summary>The <c>data_report.json</c> content (snake_case keys).</summary>
    public static string ToJson(DataReport report) => JsonSerializer.Serialize(report, ReportJsonOptions);

    private static Task WriteSplitAsync(
        string path, IReadOnlyList<DataExample> examples, LabelSet labels, TargetColumns target, string labelDelimiter, CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(path, async stream =>
        {
            await using var text = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            await using var csv = new CsvWriter(text, CultureInfo.InvariantCulture, leaveOpen: true);
            csv.WriteField(target.TextColumn);
            csv.WriteField(target.LabelColumn);
            csv.WriteField(TargetColumns.SourceColumn);
            await csv.NextRecordAsync();
            foreach (var example in examples)
            {
                cancellationToken.ThrowIfCancellationRequested();
                csv.WriteField(example.Text);
                csv.WriteField(string.Join(labelDelimiter, example.LabelIds.Select(labels.NameOf)));
                csv.WriteField(example.Source);
                await csv.NextRecordAsync();
            }

            await csv.FlushAsync();
        }, cancellationToken);
}
