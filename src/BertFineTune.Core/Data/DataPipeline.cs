using BertFineTune.Data.Labels;
using BertFineTune.Data.Splitting;
using BertFineTune.Diagnostics;
using BertFineTune.Models;
using BertFineTune.Text.Preprocessing;

namespace BertFineTune.Data;

/// <summary>
/// Files → cleaned, labelled, split examples: merge every dataset (<see cref="DatasetMerger"/>), drop duplicates if
/// asked, encode labels (<see cref="LabelSet"/>), split (<see cref="DatasetSplitter"/>) and report (<see cref="DataReport"/>).
/// Write the result with <see cref="Output.PreparedDataWriter"/>.
/// </summary>
public static class DataPipeline
{
    /// <summary>A class with fewer examples than this gets a warning: it cannot appear in every split.</summary>
    public const int RareClassThreshold = 3;

    public static readonly string[] SplitNames = ["train", "validation", "test"];

    public static async Task<PreparedData> PrepareAsync(
        DataPipelineOptions options, IProgress<DataProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (options.Datasets.Count == 0)
        {
            throw new UserErrorException(new UserError(DataErrorCodes.NoRows, "No dataset is configured; add at least one entry under 'dataset'.", Key: "dataset"));
        }

        var split = options.SplitOrDefault;
        var ratios = SplitRatios.Validate(split);
        var labelOptions = options.LabelsOrDefault;
        var preprocessor = await TextPreprocessor.CreateAsync(options.PreprocessingOrDefault, options.BaseDirectory, cancellationToken);
        var (rows, sources) = await new DatasetMerger(options, preprocessor, progress).MergeAsync(cancellationToken);
        if (split.DropDuplicates)
        {
            rows = DropDuplicates(rows, sources);
        }

        var labels = LabelSet.Create(rows.SelectMany(r => r.Labels), labelOptions.ProblemType);
        var examples = rows.Select(r => new DataExample(
            r.Text,
            r.Labels.Select(labels.IdOf).Order().ToArray(),
            sources[r.SourceIndex].Source,
            r.Line)).ToList();
        var warnings = CheckClasses(examples, labels, sources);
        warnings.AddRange(LookalikeLabels.Find(labels.Names));

        progress?.Report(new DataProgress("split", null, examples.Count));
        var strata = labelOptions.ProblemType == ProblemType.SingleLabelClassification ? examples.Select(e => e.LabelId).ToArray() : null;
        var parts = DatasetSplitter.Split(examples.Count, strata, ratios, split.Seed);
        var splits = parts.Select(indices => (IReadOnlyList<DataExample>)indices.Select(i => examples[i]).ToArray()).ToArray();

        var report = DataReportBuilder.Build(sources, labels, splits, includeTest: ratios[2] > 0, warnings);
        return new PreparedData(labelOptions.ProblemType, labels, splits[0], splits[1], splits[2], ratios[2] > 0, report);
    }

    private static List<RawExample> DropDuplicates(List<RawExample> rows, List<SourceReport> sources)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var kept = new List<RawExample>(rows.Count);
        foreach (var row in rows)
        {
            var key = row.Text + "\u0000" + string.Join("\u0000", row.Labels.Order(StringComparer.Ordinal));
            if (seen.Add(key))
            {
                kept.Add(row);
                continue;
            }

            var source = sources[row.SourceIndex];
            sources[row.SourceIndex] = source with { RowsKept = source.RowsKept - 1, Dropped = source.Dropped.Add(DropReason.Duplicate) };
        }

        return kept;
    }

    private static List<UserError> CheckClasses(List<DataExample> examples, LabelSet labels, List<SourceReport> sources)
    {
        var files = string.Join(", ", sources.Select(s => s.Source));
        if (examples.Count == 0)
        {
            throw new UserErrorException(new UserError(
                DataErrorCodes.NoRows,
                $"No rows are left to train on ({sources.Sum(s => s.RowsRead)} read from {files}; every one was dropped as empty). "
                + "Check the text and label columns, and whether preprocessing removes everything."));
        }

        if (labels.Count < 2)
        {
            throw new UserErrorException(new UserError(
                DataErrorCodes.SingleClass,
                $"Every row has the label '{labels.Names[0]}' (in {files}); a classifier needs at least two classes. "
                + "Check label_column, or add a label_map so that the datasets' labels line up."));
        }

        var counts = new int[labels.Count];
        foreach (var id in examples.SelectMany(e => e.LabelIds))
        {
            counts[id]++;
        }

        return Enumerable.Range(0, labels.Count)
            .Where(id => counts[id] < RareClassThreshold)
            .Select(id => new UserError(
                DataErrorCodes.RareClass,
                $"The class '{labels.Names[id]}' has only {counts[id]} example{(counts[id] == 1 ? string.Empty : "s")}, too few to appear in every split and to be evaluated; add examples or merge it into another class with label_map.",
                Severity: Severity.Warning))
            .ToList();
    }
}
