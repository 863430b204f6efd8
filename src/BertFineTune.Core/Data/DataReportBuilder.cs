using BertFineTune.Data.Labels;
using BertFineTune.Diagnostics;

namespace BertFineTune.Data;

/// <summary>Builds the <see cref="DataReport"/> and checks that its counts add up (a failure there is our bug, not the user's).</summary>
internal static class DataReportBuilder
{
    public static DataReport Build(
        IReadOnlyList<SourceReport> sources, LabelSet labels, IReadOnlyList<DataExample>[] splits, bool includeTest, IReadOnlyList<UserError> warnings)
    {
        var splitReports = new List<SplitReport>();
        for (var s = 0; s < splits.Length; s++)
        {
            if (s == 2 && !includeTest)
            {
                continue;
            }

            var counts = labels.Names.ToDictionary(n => n, _ => 0, StringComparer.Ordinal);
            foreach (var example in splits[s])
            {
                foreach (var id in example.LabelIds)
                {
                    counts[labels.Names[id]]++;
                }
            }

            splitReports.Add(new SplitReport(
                DataPipeline.SplitNames[s],
                splits[s].Count,
                counts,
                LengthStats.From(splits[s].Select(e => e.Text.Length)),
                LengthStats.From(splits[s].Select(e => CountWords(e.Text)))));
        }

        var report = new DataReport(
            sources,
            sources.Sum(s => s.RowsRead),
            splits.Sum(s => s.Count),
            sources.Aggregate(new DropCounts(), (total, s) => total.Add(s.Dropped)),
            labels.Names,
            splitReports,
            TextsInMultipleSplits(splits),
            warnings);
        CheckCounts(report);
        return report;
    }

    /// <summary>Rows read = rows kept + rows dropped, per file and overall; kept rows = the splits' rows.</summary>
    public static void CheckCounts(DataReport report)
    {
        foreach (var source in report.Sources)
        {
            if (source.RowsRead != source.RowsKept + source.Dropped.Total)
            {
                throw new InvalidOperationException($"Data report does not add up for {source.Source}: read {source.RowsRead} != kept {source.RowsKept} + dropped {source.Dropped.Total}.");
            }
        }

        if (report.RowsRead != report.RowsKept + report.Dropped.Total || report.RowsKept != report.Sources.Sum(s => s.RowsKept))
        {
            throw new InvalidOperationException($"Data report does not add up: read {report.RowsRead} != kept {report.RowsKept} + dropped {report.Dropped.Total}.");
        }

        if (report.Splits.Sum(s => s.Rows) != report.RowsKept)
        {
            throw new InvalidOperationException($"Data report does not add up: the splits hold {report.Splits.Sum(s => s.Rows)} rows but {report.RowsKept} were kept.");
        }
    }

    private static int TextsInMultipleSplits(IReadOnlyList<DataExample>[] splits)
    {
        var sets = splits.Select(s => s.Select(e => e.Text).ToHashSet(StringComparer.Ordinal)).ToArray();
        return sets.SelectMany(s => s).Distinct(StringComparer.Ordinal).Count(text => sets.Count(s => s.Contains(text)) > 1);
    }

    private static int CountWords(string text)
    {
        var words = 0;
        var inWord = false;
        foreach (var c in text)
        {
            var space = char.IsWhiteSpace(c);
            if (!space && !inWord)
            {
                words++;
            }

            inWord = !space;
        }

        return words;
    }
}
