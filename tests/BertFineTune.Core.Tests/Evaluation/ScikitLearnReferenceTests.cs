using System.Text.Json;
using BertFineTune.Evaluation;
using BertFineTune.Tests.Support;

namespace BertFineTune.Tests.Evaluation;

/// <summary>
/// Compares against scikit-learn 1.2.1 itself: Data/make_sklearn_reference.py drew random predictions and stored
/// what <c>precision_recall_fscore_support(zero_division=0)</c>, <c>accuracy_score</c>, <c>confusion_matrix</c>
/// and <c>hamming_loss</c> return for them in Data/sklearn_reference.json.
/// </summary>
public sealed class ScikitLearnReferenceTests
{
    private const double Tolerance = 1e-12;

    public static TheoryData<string> SingleLabelCases() => [.. Cases("single_label")];

    public static TheoryData<string> MultiLabelCases() => [.. Cases("multi_label")];

    [Theory]
    [MemberData(nameof(SingleLabelCases))]
    public void Single_label_metrics_equal_scikit_learn(string name)
    {
        var reference = Case("single_label", name);
        var k = reference.GetProperty("num_labels").GetInt32();
        var labels = Enumerable.Range(0, k).Select(i => $"c{i}").ToArray();

        var report = ClassificationMetrics.FromLabelIds(Ints(reference, "y_true"), Ints(reference, "y_pred"), labels);

        Assert.Equal(reference.GetProperty("accuracy").GetDouble(), report.Accuracy, Tolerance);
        AssertScores(reference.GetProperty("macro"), report.Macro);
        AssertScores(reference.GetProperty("weighted"), report.Weighted);
        if (reference.TryGetProperty("binary", out var binary))
        {
            AssertScores(binary, report.Binary!);
            Assert.Equal(binary.GetProperty("f1").GetDouble(), report.ToMetricsDictionary()["f1"], Tolerance);
        }

        AssertPerClass(reference, report);
        var matrix = reference.GetProperty("confusion_matrix").EnumerateArray().Select(row => row.EnumerateArray().Select(c => c.GetInt32()).ToArray()).ToArray();
        for (var t = 0; t < k; t++)
        {
            Assert.Equal(matrix[t], report.ConfusionMatrix!.Counts[t]);
        }
    }

    [Theory]
    [MemberData(nameof(MultiLabelCases))]
    public void Multi_label_metrics_equal_scikit_learn(string name)
    {
        var reference = Case("multi_label", name);
        var k = reference.GetProperty("num_labels").GetInt32();
        var labels = Enumerable.Range(0, k).Select(i => $"l{i}").ToArray();

        var report = ClassificationMetrics.FromMultiHot(Rows(reference, "y_true"), Rows(reference, "y_pred"), labels);

        Assert.Equal(reference.GetProperty("subset_accuracy").GetDouble(), report.SubsetAccuracy!.Value, Tolerance);
        Assert.Equal(reference.GetProperty("hamming_loss").GetDouble(), report.HammingLoss!.Value, Tolerance);
        AssertScores(reference.GetProperty("micro"), report.Micro!);
        AssertScores(reference.GetProperty("macro"), report.Macro);
        AssertScores(reference.GetProperty("weighted"), report.Weighted);
        AssertPerClass(reference, report);
    }

    private static void AssertScores(JsonElement expected, AveragedScores actual)
    {
        Assert.Equal(expected.GetProperty("precision").GetDouble(), actual.Precision, Tolerance);
        Assert.Equal(expected.GetProperty("recall").GetDouble(), actual.Recall, Tolerance);
        Assert.Equal(expected.GetProperty("f1").GetDouble(), actual.F1, Tolerance);
    }

    private static void AssertPerClass(JsonElement reference, ClassificationReport report)
    {
        Equal(Doubles(reference, "per_class_precision"), report.PerClass.Select(r => r.Precision), Tolerance);
        Equal(Doubles(reference, "per_class_recall"), report.PerClass.Select(r => r.Recall), Tolerance);
        Equal(Doubles(reference, "per_class_f1"), report.PerClass.Select(r => r.F1), Tolerance);
        Assert.Equal(Ints(reference, "support"), report.PerClass.Select(r => r.Support));
    }

    private static void Equal(IReadOnlyList<double> expected, IEnumerable<double> actual, double tolerance)
    {
        var actualList = actual.ToList();
        Assert.Equal(expected.Count, actualList.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], actualList[i], tolerance);
        }
    }

    private static JsonElement Load()
    {
        var path = Path.Combine(RepoPaths.Root, "tests", "BertFineTune.Core.Tests", "Evaluation", "Data", "sklearn_reference.json");
        return JsonSerializer.Deserialize<JsonElement>(File.ReadAllText(path));
    }

    private static IEnumerable<string> Cases(string kind) =>
        Load().GetProperty(kind).EnumerateArray().Select(c => c.GetProperty("name").GetString()!);

    private static JsonElement Case(string kind, string name) =>
        Load().GetProperty(kind).EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    private static int[] Ints(JsonElement element, string property) =>
        [.. element.GetProperty(property).EnumerateArray().Select(v => v.GetInt32())];

    private static double[] Doubles(JsonElement element, string property) =>
        [.. element.GetProperty(property).EnumerateArray().Select(v => v.GetDouble())];

    private static bool[][] Rows(JsonElement element, string property) =>
        [.. element.GetProperty(property).EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetInt32() == 1).ToArray())];
}
