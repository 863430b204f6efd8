using BertFineTune.Data.Labels;
using BertFineTune.Data.Splitting;
using BertFineTune.Models;

namespace BertFineTune.Tests.Data;

public sealed class LabelSetTests
{
    [Fact]
    public void Numeric_labels_sort_by_value_and_text_labels_ordinally()
    {
        Assert.Equal(["-3.5", "1", "2", "10"], LabelSet.Create(["10", "2", "1", "2", "-3.5"]).Names);
        Assert.Equal(["Neutral", "negative", "positive"], LabelSet.Create(["positive", "negative", "Neutral", "positive"]).Names);
    }

    [Fact]
    public void Labels_json_round_trips_with_id2label_and_label2id()
    {
        var labels = LabelSet.Create(["spam", "ham"], ProblemType.MultiLabelClassification);
        var json = labels.ToJson();

        Assert.Contains("\"id2label\"", json, StringComparison.Ordinal);
        Assert.Contains("\"label2id\"", json, StringComparison.Ordinal);
        var back = LabelSet.FromJson(json, "labels.json");
        Assert.Equal(["ham", "spam"], back.Names);
        Assert.Equal(1, back.IdOf("spam"));
        Assert.Equal(ProblemType.MultiLabelClassification, back.ProblemType);
    }

    [Theory]
    [InlineData(10, new[] { 0.8, 0.1, 0.1 }, new[] { 8, 1, 1 })]
    [InlineData(7, new[] { 0.8, 0.1, 0.1 }, new[] { 5, 1, 1 })]
    [InlineData(3, new[] { 0.5, 0.5, 0.0 }, new[] { 2, 1, 0 })]
    [InlineData(1, new[] { 0.1, 0.9, 0.0 }, new[] { 0, 1, 0 })]
    public void Largest_remainder_counts_stay_within_one_of_each_share(int n, double[] ratios, int[] expected)
    {
        var counts = SplitRatios.LargestRemainder(n, ratios);
        Assert.Equal(expected, counts);
        Assert.Equal(n, counts.Sum());
    }

    [Fact]
    public void A_class_too_small_for_train_by_rounding_still_gets_one_train_example()
    {
        var strata = new[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
        var parts = DatasetSplitter.Split(strata.Length, strata, [0.1, 0.9, 0.0], seed: 1);
        Assert.Contains(10, parts[0]);
    }
}
