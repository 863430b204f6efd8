using BertFineTune.Diagnostics;
using BertFineTune.Evaluation;
using BertFineTune.Inference;
using BertFineTune.Models;
using BertFineTune.Reporting;

namespace BertFineTune.Pipelines;

/// <summary>
/// <c>bertft evaluate</c>: the model's metrics on a labelled file, written as <c>metrics.json</c> + <c>report.html</c>
/// in the same shape as the training report's test section.
/// </summary>
public static class EvaluatePipeline
{
    public static async Task<EvaluationResult> RunAsync(
        TextClassifier classifier, InputTable input, string labelDelimiter, string outputDirectory, IProgress<InferenceProgress>? progress, CancellationToken cancellationToken)
    {
        var labelColumn = input.LabelColumn ?? throw new ArgumentException("evaluate needs a label column", nameof(input));
        if (input.Rows.Count == 0)
        {
            throw new UserErrorException("BFT423", "The input has a header but no data rows, so there is nothing to evaluate; give a file with labelled rows.", input.FilePath);
        }

        // Multi-label rows may rightly have no label; a single-label row without one cannot be scored.
        var emptyLabels = classifier.ProblemType == ProblemType.MultiLabelClassification
            ? []
            : input.Rows.Where(row => string.IsNullOrWhiteSpace(row[labelColumn])).Select(row => row.Line).ToList();
        if (emptyLabels.Count > 0)
        {
            throw new UserErrorException(
                "BFT424",
                $"{emptyLabels.Count} row{(emptyLabels.Count == 1 ? " has" : "s have")} an empty label (the label column '{input.Columns[labelColumn]}' is blank), "
                + $"at line{(emptyLabels.Count == 1 ? string.Empty : "s")} {string.Join(", ", emptyLabels.Take(10))}{(emptyLabels.Count > 10 ? ", ..." : string.Empty)}. "
                + "Fill in the label or drop those rows: evaluation needs the true label of every row.",
                input.FilePath,
                emptyLabels[0]);
        }

        var started = DateTimeOffset.UtcNow;
        var logits = classifier.PredictLogits(input.Texts, input.TextPairs, progress, cancellationToken).ToArray();
        var labels = classifier.Labels;
        var index = labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i, StringComparer.Ordinal);
        var multiLabel = classifier.ProblemType == ProblemType.MultiLabelClassification;
        var unknown = new SortedSet<string>(StringComparer.Ordinal);
        var gold = input.Rows.Select(row => Split(row[labelColumn], multiLabel, labelDelimiter)).ToList();
        foreach (var name in gold.SelectMany(g => g).Where(name => !index.ContainsKey(name)))
        {
            unknown.Add(name);
        }

        if (unknown.Count > 0)
        {
            throw new UserErrorException(
                "BFT422",
                $"The label column holds labels the model does not know: {string.Join(", ", unknown.Take(20).Select(Data.Labels.LookalikeLabels.Escape))}. The model's labels are: {string.Join(", ", labels.Select(Data.Labels.LookalikeLabels.Escape))}. Map or drop those rows first.",
                input.FilePath);
        }

        var options = new MetricsOptions(labels, MultiLabelThreshold: classifier.Options.MultiLabelThreshold);
        EvaluationResult result;
        if (multiLabel)
        {
            var targets = gold.Select(g => labels.Select(l => g.Contains(l) ? 1f : 0f).ToArray()).ToArray();
            options = options with { Loss = LogitMath.MeanBinaryCrossEntropyWithLogits(logits, targets) };
            result = ClassificationMetrics.ComputeMetrics(EvalPrediction.MultiLabel(logits, targets), options);
        }
        else
        {
            var ids = gold.Select(g => index[g.Single()]).ToArray();
            options = options with { Loss = LogitMath.MeanCrossEntropy(logits, ids) };
            result = ClassificationMetrics.ComputeMetrics(EvalPrediction.SingleLabel(logits, ids), options);
        }

        await ReportWriter.WriteAsync(
            new ReportData
            {
                Title = "Evaluation report",
                Run = new RunInfo(classifier.Source, classifier.Options.Device, started, DateTimeOffset.UtcNow - started, [new("input", input.FilePath), new("rows", input.Rows.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))]),
                Metrics = MetricsDocument.ForEvaluation(result.Report),
            },
            outputDirectory,
            cancellationToken);
        return result;
    }

    private static IReadOnlyList<string> Split(string cell, bool multiLabel, string delimiter) =>
        multiLabel
            ? cell.Split(delimiter, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [cell.Trim()];
}
