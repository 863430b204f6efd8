using System.Globalization;
using BertFineTune.Diagnostics;
using BertFineTune.Inference;
using BertFineTune.IO;
using BertFineTune.Models;
using ClosedXML.Excel;
using CsvHelper;
using CsvHelper.Configuration;

namespace BertFineTune.Pipelines;

/// <summary>
/// <c>bertft predict --output FILE</c>: the file's extension picks the format (.csv/.txt CSV, .tsv tab-separated, .xlsx a
/// real workbook), the path is checked before the model loads, and the file is written atomically, so an interrupted
/// run leaves the old file, never half a new one. The input file is never the output: that would destroy it.
/// </summary>
public static class PredictionFile
{
    private enum Format
    {
        Csv,
        Tsv,
        Xlsx,
    }

    /// <summary>Refuses an output that cannot be written, has an extension we do not write, or is the input itself.</summary>
    public static void CheckOutput(string inputPath, string outputPath)
    {
        FormatOf(outputPath);
        if (OutputLocation.CheckFile(outputPath) is string problem)
        {
            throw new UserErrorException(OutputErrorCodes.Unwritable, $"--output: {problem}.", outputPath);
        }

        if (inputPath != "-" && RealPath.Resolve(inputPath) is string input && RealPath.Resolve(outputPath) is string output
            && string.Equals(input, output, OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase))
        {
            throw new UserErrorException(
                OutputErrorCodes.OutputIsInput,
                $"--output is the input file itself ({input}); writing the predictions there would destroy the input. Choose another output file.",
                outputPath);
        }
    }

    /// <summary>Writes every input row plus its predictions to <paramref name="outputPath"/>, in the format its extension names.</summary>
    public static async Task WriteAsync(TextClassifier classifier, InputTable input, string outputPath, bool includeLogits, IProgress<InferenceProgress>? progress, CancellationToken cancellationToken)
    {
        var format = FormatOf(outputPath);
        var predictions = classifier.PredictBatch(input.Texts, input.TextPairs, progress, cancellationToken);
        var multiLabel = classifier.ProblemType == ProblemType.MultiLabelClassification;
        var header = input.Columns.Concat(PredictionColumns.Names(classifier.Labels, includeLogits)).ToArray();
        var rows = input.Rows.Select((row, i) => row.Values.Concat(PredictionColumns.Values(predictions[i], multiLabel, includeLogits)).ToArray());
        await AtomicFile.WriteAsync(
            outputPath,
            stream => format == Format.Xlsx ? WriteXlsxAsync(stream, header, rows, input.Columns.Count) : WriteDelimitedAsync(stream, header, rows, format == Format.Tsv ? "\t" : ","),
            cancellationToken);
    }

    private static Format FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        "" or ".csv" or ".txt" => Format.Csv,
        ".tsv" or ".tab" => Format.Tsv,
        ".xlsx" => Format.Xlsx,
        var other => throw new UserErrorException(
            OutputErrorCodes.UnsupportedOutputFormat,
            $"--output ends in '{other}', a format predict does not write; name the file .csv, .tsv or .xlsx (the extension picks the format), or write to standard output with --output -.",
            path),
    };

    private static async Task WriteDelimitedAsync(Stream stream, string[] header, IEnumerable<string[]> rows, string delimiter)
    {
        await using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
        await using var csv = new CsvWriter(writer, new CsvConfiguration(CultureInfo.InvariantCulture) { Delimiter = delimiter }, leaveOpen: true);
        foreach (var record in rows.Prepend(header))
        {
            foreach (var field in record)
            {
                csv.WriteField(field);
            }

            await csv.NextRecordAsync();
        }

        await csv.FlushAsync();
    }

    /// <summary>Input cells stay text (as they were read); the prediction columns after them are numbers where they parse as one.</summary>
    private static Task WriteXlsxAsync(Stream stream, string[] header, IEnumerable<string[]> rows, int inputColumns)
    {
        using var workbook = new XLWorkbook();
        var sheet = workbook.AddWorksheet("predictions");
        var r = 1;
        foreach (var record in rows.Prepend(header))
        {
            for (var c = 0; c < record.Length; c++)
            {
                var cell = sheet.Cell(r, c + 1);
                if (r > 1 && c > inputColumns && double.TryParse(record[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    cell.SetValue(number);
                }
                else
                {
                    cell.SetValue(record[c]);
                    cell.DataType = XLDataType.Text;
                }
            }

            r++;
        }

        workbook.SaveAs(stream);
        return Task.CompletedTask;
    }
}
