using System.Text.Json;
using BertFineTune.Evaluation;
using BertFineTune.Models;
using BertFineTune.Reporting;
using BertFineTune.Tests.Support;

namespace BertFineTune.Tests.Reporting;

public sealed class MetricsJsonTests
{
    private static readonly string[] Labels = ["ham", "spam"];

    [Fact]
    public async Task Metrics_json_round_trips_with_the_per_class_table_and_confusion_matrix()
    {
        using var temp = new TempDirectory();
        var test = ClassificationMetrics.FromLabelIds([0, 0, 0, 0, 1, 1, 1, 0], [0, 1, 0, 0, 1, 0, 1, 1], Labels, loss: 0.61);
        var validation = ClassificationMetrics.FromLabelIds([0, 1, 1], [0, 1, 0], Labels, loss: 0.5);
        var document = new MetricsDocument
        {
            ProblemType = ProblemType.SingleLabelClassification,
            Labels = Labels,
            Validation = validation,
            Test = test,
            Summary = new Dictionary<string, double> { ["train_runtime"] = 12.5 },
        };
        var path = temp.File("metrics.json");

        await MetricsJson.WriteAsync(document, path);
        var read = await MetricsJson.ReadAsync(path);

        Assert.Null(read.Train);
        Assert.Equal(Labels, read.Labels);
        Assert.Equal(12.5, read.Summary!["train_runtime"]);
        var section = read.Test!;
        Assert.Equal(test.ToMetricsDictionary(), section.ToMetricsDictionary());
        Assert.Equal(test.PerClass, section.PerClass);
        Assert.Equal(test.Binary, section.Binary);
        Assert.Equal([3, 2], section.ConfusionMatrix!.Counts[0]);
        Assert.Equal([1, 2], section.ConfusionMatrix.Counts[1]);
        Assert.Equal(Labels, section.ConfusionMatrix.Labels);
        Assert.Equal(validation.ToMetricsDictionary(), read.Validation!.ToMetricsDictionary());

        // Nothing else is left in the folder: the temp file was renamed over the target.
        Assert.Equal(["metrics.json"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Keys_are_snake_case_and_the_shape_is_as_documented()
    {
        var report = ClassificationMetrics.FromLabelIds([0, 1, 2, 2], [0, 1, 1, 2], ["a", "b", "c"], loss: 0.9);
        var json = MetricsJson.Serialize(MetricsDocument.ForEvaluation(report));

        using var parsed = JsonDocument.Parse(json);
        var root = parsed.RootElement;
        Assert.Equal(1, root.GetProperty("schema_version").GetInt32());
        Assert.Equal("single_label_classification", root.GetProperty("problem_type").GetString());
        Assert.False(root.TryGetProperty("train", out _));
        Assert.False(root.TryGetProperty("validation", out _));

        var test = root.GetProperty("test");
        Assert.Equal(4, test.GetProperty("num_samples").GetInt32());
        Assert.Equal(0.9, test.GetProperty("loss").GetDouble());
        Assert.Equal(0.75, test.GetProperty("accuracy").GetDouble());
        Assert.Equal("macro", test.GetProperty("headline_average").GetString());
        Assert.Equal(report.Macro.F1, test.GetProperty("macro").GetProperty("f1").GetDouble());
        Assert.Equal(report.Weighted.F1, test.GetProperty("weighted").GetProperty("f1").GetDouble());
        Assert.False(test.TryGetProperty("binary", out _));
        Assert.False(test.TryGetProperty("hamming_loss", out _));

        var perClass = test.GetProperty("per_class");
        Assert.Equal(3, perClass.GetArrayLength());
        var b = perClass[1];
        Assert.Equal("b", b.GetProperty("label").GetString());
        Assert.Equal(0.5, b.GetProperty("precision").GetDouble());
        Assert.Equal(1, b.GetProperty("support").GetInt32());
        Assert.Equal(2, b.GetProperty("predicted").GetInt32());
        Assert.Equal(1, b.GetProperty("true_positives").GetInt32());

        var matrix = test.GetProperty("confusion_matrix");
        Assert.Equal(["a", "b", "c"], matrix.GetProperty("labels").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([0, 1, 1], matrix.GetProperty("counts")[2].EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public void Multi_label_sections_carry_micro_subset_accuracy_and_hamming_loss()
    {
        var report = ClassificationMetrics.FromMultiHot(
            [[true, false], [true, true]], [[true, true], [true, true]], ["x", "y"], threshold: 0.4);
        var json = MetricsJson.Serialize(new MetricsDocument { ProblemType = report.ProblemType, Labels = report.Labels, Train = report });

        using var parsed = JsonDocument.Parse(json);
        var train = parsed.RootElement.GetProperty("train");
        Assert.Equal("multi_label_classification", parsed.RootElement.GetProperty("problem_type").GetString());
        Assert.Equal(0.5, train.GetProperty("subset_accuracy").GetDouble());
        Assert.Equal(0.25, train.GetProperty("hamming_loss").GetDouble());
        Assert.Equal(0.4, train.GetProperty("threshold").GetDouble());
        Assert.Equal(report.Micro!.F1, train.GetProperty("micro").GetProperty("f1").GetDouble());
        Assert.False(train.TryGetProperty("confusion_matrix", out _));

        var read = MetricsJson.Deserialize(json);
        Assert.Equal(report.ToMetricsDictionary(), read.Train!.ToMetricsDictionary());
    }

    [Fact]
    public void A_diverged_loss_is_written_rather_than_crashing_the_run()
    {
        var report = ClassificationMetrics.FromLabelIds([0, 1], [0, 0], Labels, loss: double.NaN);

        var json = MetricsJson.Serialize(MetricsDocument.ForEvaluation(report));

        Assert.Contains("\"loss\": \"NaN\"", json, StringComparison.Ordinal);
        Assert.True(double.IsNaN(MetricsJson.Deserialize(json).Test!.Loss!.Value));
    }
}
