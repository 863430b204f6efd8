using BertFineTune.Data;
using BertFineTune.Data.Output;
using BertFineTune.Data.Reading;
using BertFineTune.Models;
using BertFineTune.Tests.Support;

namespace BertFineTune.Tests.Data;

/// <summary>Merging several files: per-file columns, renaming to the target columns, label maps, and label identity.</summary>
public sealed class MergeTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Files_with_their_own_columns_merge_in_config_order_and_identical_labels_are_one_class()
    {
        await File.WriteAllLinesAsync(_temp.File("reviews.csv"), ["review;stars;sentiment", "great phone;5;pos", "awful;1; neg ", "fine;3;pos"]);
        await File.WriteAllLinesAsync(_temp.File("tweets.jsonl"), ["{\"tweet\": \"love it\", \"y\": \"pos\"}", "{\"tweet\": \"meh\", \"y\": \"neg\"}", "{\"tweet\": \"bad\", \"y\": \"neg\"}"]);
        var options = new DataPipelineOptions(
            [new DatasetSource("reviews.csv", "review", "sentiment"), new DatasetSource("tweets.jsonl", "tweet", "y")],
            _temp.Path,
            Split: new SplitOptions([0.5, 0.5]),
            Target: new TargetColumns("sentence", "label"));

        var data = await DataPipeline.PrepareAsync(options);
        await PreparedDataWriter.WriteAsync(data, _temp.File("out"), options);

        Assert.Equal(["neg", "pos"], data.Labels.Names);
        Assert.Equal(["reviews.csv", "tweets.jsonl"], data.Report.Sources.Select(s => s.Source));
        var all = data.Train.Concat(data.Validation).ToList();
        Assert.Equal(6, all.Count);
        Assert.Equal(3, all.Count(e => e.Source == "tweets.jsonl"));
        Assert.Equal(data.Labels.IdOf("neg"), all.Single(e => e.Text == "awful").LabelId);
        Assert.Equal(4, all.Single(e => e.Text == "fine").Line);

        using var train = await TabularReader.OpenAsync(_temp.File("out/train.csv"));
        Assert.Equal(["sentence", "label", "source"], train.Columns);
    }

    [Fact]
    public async Task A_label_map_rewrites_its_own_file_only_and_unmapped_labels_pass_through()
    {
        await File.WriteAllLinesAsync(_temp.File("a.csv"), ["text,label", "x1,0", "x2,1", "x3,2", "x4,0"]);
        await File.WriteAllLinesAsync(_temp.File("b.csv"), ["text,label", "y1,0", "y2,1", "y3,1"]);
        var options = new DataPipelineOptions(
            [
                new DatasetSource("a.csv", "text", "label", LabelMap: new Dictionary<string, string> { ["0"] = "negative", ["1"] = "positive" }),
                new DatasetSource("b.csv", "text", "label"),
            ],
            _temp.Path,
            Split: new SplitOptions([0.5, 0.5]));

        var data = await DataPipeline.PrepareAsync(options);

        Assert.Equal(["0", "1", "2", "negative", "positive"], data.Labels.Names);
        var counts = data.Report.Labels.ToDictionary(l => l, l => data.Report.Splits.Sum(s => s.ClassCounts[l]));
        Assert.Equal(2, counts["negative"]);
        Assert.Equal(1, counts["0"]);
        Assert.Equal(1, counts["2"]);
        Assert.Equal(5, data.Report.Warnings.Count); // every class here has fewer than 3 examples
    }

    [Fact]
    public async Task Multi_label_maps_apply_to_each_label_and_the_delimiter_is_configurable()
    {
        await File.WriteAllLinesAsync(_temp.File("m.csv"), ["text,tags", "a,sci;law", "b,LAW", "c,sci", "d,sci; ;law", "e,law", "f,law;law"]);
        var options = new DataPipelineOptions(
            [new DatasetSource("m.csv", "text", "tags", LabelMap: new Dictionary<string, string> { ["LAW"] = "law" })],
            _temp.Path,
            Split: new SplitOptions([0.5, 0.5]),
            Labels: new LabelOptions(ProblemType.MultiLabelClassification, ";"));

        var data = await DataPipeline.PrepareAsync(options);

        var all = data.Train.Concat(data.Validation).ToDictionary(e => e.Text);
        Assert.Equal(["law", "sci"], data.Labels.Names);
        Assert.Equal([0, 1], all["a"].LabelIds);
        Assert.Equal([0], all["b"].LabelIds);
        Assert.Equal([0, 1], all["d"].LabelIds);
        Assert.Equal([0], all["f"].LabelIds);
        Assert.Equal([1f, 1f], all["a"].MultiHot(2));

        await PreparedDataWriter.WriteAsync(data, _temp.File("out"), options);
        using var train = await TabularReader.OpenAsync(_temp.File("out/train.csv"));
        var written = await train.ReadRowsAsync().ToDictionaryAsync(r => r[0], r => r[1]);
        Assert.All(written, w => Assert.Equal(string.Join(";", all[w.Key].LabelIds.Select(data.Labels.NameOf)), w.Value));
        Assert.Contains("\"problem_type\": \"multi_label_classification\"", await File.ReadAllTextAsync(_temp.File("out/labels.json")), StringComparison.Ordinal);
    }
}
