using BertFineTune.Data.Reading;
using BertFineTune.Diagnostics;
using BertFineTune.Models;
using BertFineTune.Text.Preprocessing;

namespace BertFineTune.Data;

/// <summary>
/// Reads every <c>dataset[]</c> entry in config order, takes its text and label columns, applies its <c>label_map</c>,
/// preprocesses the text, and keeps the rows that still have a text and a label. Rows stream through: only kept rows
/// are held. Labels are trimmed; without a map, identical strings are the same label.
/// </summary>
internal sealed class DatasetMerger(DataPipelineOptions options, TextPreprocessor preprocessor, IProgress<DataProgress>? progress)
{
    private const int ProgressEvery = 10_000;

    public async Task<(List<RawExample> Rows, List<SourceReport> Sources)> MergeAsync(CancellationToken cancellationToken)
    {
        var rows = new List<RawExample>();
        var reports = new List<SourceReport>();
        for (var index = 0; index < options.Datasets.Count; index++)
        {
            reports.Add(await ReadSourceAsync(index, rows, cancellationToken));
        }

        return (rows, reports);
    }

    private async Task<SourceReport> ReadSourceAsync(int index, List<RawExample> rows, CancellationToken cancellationToken)
    {
        var source = options.Datasets[index];
        var path = DatasetFiles.Resolve(source, options.BaseDirectory);
        var name = Path.GetFileName(path);
        var labels = options.LabelsOrDefault;
        var readOptions = new TabularReadOptions(source.Sheet, source.Delimiter, source.Encoding, labels.LabelDelimiter);
        using var reader = await TabularReader.OpenAsync(path, readOptions, cancellationToken);
        var keyPrefix = source.Where?.KeyPath is { } key && key.EndsWith(".filepath", StringComparison.Ordinal) ? key[..^".filepath".Length] : $"dataset[{index}]";
        var textIndex = ColumnIndex(reader, source.TextColumn, $"{keyPrefix}.text_column");
        var labelIndex = ColumnIndex(reader, source.LabelColumn, $"{keyPrefix}.label_column");

        var read = 0;
        var kept = 0;
        var dropped = new DropCounts();
        await foreach (var row in reader.ReadRowsAsync(cancellationToken))
        {
            read++;
            var reason = Take(row, index, textIndex, labelIndex, source, labels, out var example);
            if (reason is { } why)
            {
                dropped = dropped.Add(why);
            }
            else
            {
                rows.Add(example!);
                kept++;
            }

            if (read % ProgressEvery == 0)
            {
                progress?.Report(new DataProgress("read", name, read));
            }
        }

        progress?.Report(new DataProgress("read", name, read));
        return new SourceReport(name, path, read, kept, dropped);
    }

    private DropReason? Take(TabularRow row, int sourceIndex, int textIndex, int labelIndex, DatasetSource source, LabelOptions labels, out RawExample? example)
    {
        example = null;
        var text = row[textIndex];
        if (string.IsNullOrWhiteSpace(text))
        {
            return DropReason.EmptyText;
        }

        var rawLabel = row[labelIndex].Trim();
        if (rawLabel.Length == 0)
        {
            return DropReason.EmptyLabel;
        }

        var names = labels.ProblemType == ProblemType.MultiLabelClassification
            ? rawLabel.Split(labels.LabelDelimiter, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(l => Map(l, source)).Where(l => l.Length > 0).Distinct(StringComparer.Ordinal).ToArray()
            : [Map(rawLabel, source)];
        if (names.Length == 0 || names[0].Length == 0)
        {
            return DropReason.EmptyLabel;
        }

        var cleaned = preprocessor.Process(text);
        if (string.IsNullOrWhiteSpace(cleaned))
        {
            return DropReason.EmptyAfterPreprocessing;
        }

        example = new RawExample(cleaned, names, sourceIndex, row.Line);
        return null;
    }

    private static string Map(string label, DatasetSource source) =>
        source.LabelMap is { } map && map.TryGetValue(label, out var mapped) ? mapped.Trim() : label;

    private static int ColumnIndex(ITabularReader reader, string column, string key)
    {
        var matches = reader.Columns.Select((name, i) => (name, i)).Where(x => x.name == column.Trim()).ToList();
        if (matches.Count == 1)
        {
            return matches[0].i;
        }

        var available = string.Join(", ", reader.Columns.Select(c => $"'{c}'"));
        if (matches.Count > 1)
        {
            throw new UserErrorException(new UserError(
                DataErrorCodes.DuplicateColumn,
                $"The header names the column '{column}' {matches.Count} times, so it is ambiguous; rename the duplicates. Columns: {available}.",
                reader.FilePath,
                1,
                Key: key));
        }

        var closest = Closest.Match(column, reader.Columns);
        throw new UserErrorException(new UserError(
            DataErrorCodes.ColumnNotFound,
            $"There is no column '{column}'. Available columns: {available}." + (closest is null ? string.Empty : $" Closest: '{closest}'."),
            reader.FilePath,
            1,
            Key: key));
    }
}
