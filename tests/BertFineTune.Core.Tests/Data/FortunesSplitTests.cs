using BertFineTune.Data;
using BertFineTune.Data.Output;
using BertFineTune.Data.Reading;
using BertFineTune.Diagnostics;
using BertFineTune.Models;
using BertFineTune.Tests.Support;
using BertFineTune.Text.Preprocessing;

namespace BertFineTune.Tests.Data;

/// <summary>Multi-class (8 imbalanced topics) and a multi-label set built from the same fortunes.</summary>
public sealed class FortunesSplitTests
{
    private static readonly string[] Topics = ["computers", "food", "law", "love", "medicine", "politics", "science", "sports"];

    private static DataPipelineOptions Fortunes(params double[] ratios) => new(
        [new DatasetSource("fortunes.csv", "quote", "topic")],
        RepoPaths.Data("fortunes"),
        Split: new SplitOptions(ratios, Seed: 13));

    [Fact]
    public async Task Stratified_split_keeps_every_topic_within_one_of_its_ratio()
    {
        var data = await DataPipeline.PrepareAsync(Fortunes(0.7, 0.15, 0.15));

        Assert.Equal(Topics, data.Labels.Names);
        Assert.Equal(3089, data.Report.RowsRead);
        Assert.Equal(data.Report.RowsRead, data.Report.RowsKept + data.Report.Dropped.Total);
        var totals = Topics.ToDictionary(t => t, t => data.Report.Splits.Sum(s => s.ClassCounts[t]));
        Assert.Equal(1006, totals["computers"]);
        Assert.Equal(74, totals["medicine"]);
        foreach (var (split, ratio) in data.Report.Splits.Zip(new[] { 0.7, 0.15, 0.15 }))
        {
            foreach (var topic in Topics)
            {
                Assert.InRange(split.ClassCounts[topic], (totals[topic] * ratio) - 1, (totals[topic] * ratio) + 1);
            }
        }
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_split_and_another_seed_a_different_one()
    {
        var first = await DataPipeline.PrepareAsync(Fortunes(0.8, 0.1, 0.1));
        var again = await DataPipeline.PrepareAsync(Fortunes(0.8, 0.1, 0.1));
        var other = await DataPipeline.PrepareAsync(Fortunes(0.8, 0.1, 0.1) with { Split = new SplitOptions([0.8, 0.1, 0.1], Seed: 14) });

        Assert.Equal(first.Train.Select(e => e.Line), again.Train.Select(e => e.Line));
        Assert.Equal(first.Test.Select(e => e.Line), again.Test.Select(e => e.Line));
        Assert.NotEqual(first.Train.Select(e => e.Line), other.Train.Select(e => e.Line));
    }

    [Theory]
    [InlineData(new[] { 0.8, 0.2 })]
    [InlineData(new[] { 0.8, 0.2, 0.0 })]
    public async Task Two_ratios_or_a_zero_test_ratio_mean_no_test_split(double[] ratios)
    {
        using var temp = new TempDirectory();
        var data = await DataPipeline.PrepareAsync(Fortunes(ratios));
        await File.WriteAllTextAsync(temp.File("test.csv"), "stale");
        var files = await PreparedDataWriter.WriteAsync(data, temp.Path);

        Assert.False(data.HasTestSplit);
        Assert.Empty(data.Test);
        Assert.Equal(["train", "validation"], data.Report.Splits.Select(s => s.Name));
        Assert.Equal(data.Report.RowsKept, data.Train.Count + data.Validation.Count);
        Assert.False(File.Exists(temp.File("test.csv")));
        Assert.DoesNotContain(files, f => f.EndsWith("test.csv", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Preprocessing_drops_and_duplicates_are_counted_and_the_counts_add_up()
    {
        using var temp = new TempDirectory();
        var lines = new List<string> { "quote,topic" };
        lines.AddRange(["\"Eat your vegetables!\",food", "\"Eat your vegetables!\",food", "\"EAT YOUR VEGETABLES\",food", "https://only.a/url,food", ",food", "no label,"]);
        lines.AddRange(Enumerable.Range(0, 12).Select(i => $"\"fortune number {new string('x', i + 1)}\",{(i % 2 == 0 ? "law" : "love")}"));
        await File.WriteAllLinesAsync(temp.File("small.csv"), lines);
        var options = new DataPipelineOptions(
            [new DatasetSource("small.csv", "quote", "topic")],
            temp.Path,
            new PreprocessingOptions(Lowercase: true, RemoveSymbols: true, RemoveUrls: true),
            new SplitOptions([0.5, 0.5], DropDuplicates: true));

        var data = await DataPipeline.PrepareAsync(options);

        var report = data.Report;
        Assert.Equal(18, report.RowsRead);
        Assert.Equal(new DropCounts(EmptyText: 1, EmptyLabel: 1, EmptyAfterPreprocessing: 1, Duplicate: 2), report.Dropped);
        Assert.Equal(13, report.RowsKept);
        Assert.Equal(report.RowsRead, report.RowsKept + report.Dropped.Total);
        var warning = Assert.Single(report.Warnings);
        Assert.Equal((DataErrorCodes.RareClass, Severity.Warning), (warning.Code, warning.Severity));
        Assert.Contains("'food' has only 1 example", warning.Message, StringComparison.Ordinal);
        Assert.Contains(data.Train, e => e.Text == "eat your vegetables");
    }

    [Fact]
    public async Task Texts_in_more_than_one_split_are_counted_without_drop_duplicates()
    {
        using var temp = new TempDirectory();
        var rows = Enumerable.Range(0, 40).Select(i => $"same text {i % 10},{(i % 2 == 0 ? "a" : "b")}");
        await File.WriteAllLinesAsync(temp.File("dupes.csv"), ["text,label", .. rows]);
        var options = new DataPipelineOptions([new DatasetSource("dupes.csv", "text", "label")], temp.Path, Split: new SplitOptions([0.5, 0.5]));

        var data = await DataPipeline.PrepareAsync(options);

        var train = data.Train.Select(e => e.Text).ToHashSet();
        var expected = data.Validation.Select(e => e.Text).Distinct().Count(train.Contains);
        Assert.True(expected > 0);
        Assert.Equal(expected, data.Report.TextsInMultipleSplits);
    }

    [Fact]
    public async Task Multi_label_cells_become_multi_hot_and_split_randomly_with_the_seed()
    {
        using var temp = new TempDirectory();
        var source = await TabularReader.OpenAsync(RepoPaths.Data("fortunes", "fortunes.csv"));
        var rows = await source.ReadRowsAsync().Take(600).ToListAsync();
        source.Dispose();

        // Each fortune keeps its topic and, every third row, also gets its neighbour's topic: "law|politics".
        var lines = rows.Select((r, i) => (Text: r[0], Labels: i % 3 == 0 ? $"{r[1]} | {rows[(i + 1) % rows.Count][1]}" : r[1])).ToList();
        await using (var writer = new StreamWriter(temp.File("multi.jsonl")))
        {
            foreach (var (text, labels) in lines)
            {
                var array = string.Join(",", labels.Split('|').Select(l => System.Text.Json.JsonSerializer.Serialize(l.Trim())));
                await writer.WriteLineAsync($"{{\"quote\": {System.Text.Json.JsonSerializer.Serialize(text)}, \"topics\": [{array}]}}");
            }
        }

        var options = new DataPipelineOptions(
            [new DatasetSource("multi.jsonl", "quote", "topics")],
            temp.Path,
            Split: new SplitOptions([0.8, 0.1, 0.1], Seed: 3),
            Labels: new LabelOptions(ProblemType.MultiLabelClassification));

        var data = await DataPipeline.PrepareAsync(options);

        Assert.Equal(ProblemType.MultiLabelClassification, data.ProblemType);
        Assert.Equal(Topics, data.Labels.Names);
        Assert.Equal([480, 60, 60], new[] { data.Train.Count, data.Validation.Count, data.Test.Count });
        var all = data.Train.Concat(data.Validation).Concat(data.Test).ToDictionary(e => e.Line);
        for (var i = 0; i < lines.Count; i++)
        {
            var expected = lines[i].Labels.Split('|').Select(l => l.Trim()).Distinct().Select(data.Labels.IdOf).Order();
            var example = all[i + 1]; // line i + 1 of multi.jsonl
            Assert.Equal(expected, example.LabelIds);
            var hot = example.MultiHot(data.Labels.Count);
            Assert.Equal(example.LabelIds.Count, hot.Count(x => x == 1f));
        }

        Assert.Contains(all.Values, e => e.LabelIds.Count == 2);
        Assert.Equal(data.Report.Splits.Sum(s => s.ClassCounts.Values.Sum()), all.Values.Sum(e => e.LabelIds.Count));
    }
}
