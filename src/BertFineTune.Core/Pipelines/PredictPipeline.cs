using System.Globalization;
using BertFineTune.Inference;
using BertFineTune.Models;
using CsvHelper;

namespace BertFineTune.Pipelines;

/// <summary><c>bertft predict</c>: every input row, in input order, plus the predicted label, score, probabilities and (optionally) logits.</summary>
public static class PredictPipeline
{
    public static async Task WriteAsync(TextClassifier classifier, InputTable input, TextWriter output, bool includeLogits, IProgress<InferenceProgress>? progress, CancellationToken cancellationToken)
    {
        // The classifier batches by sorted length internally and returns predictions in input order.
        var predictions = classifier.PredictBatch(input.Texts, input.TextPairs, progress, cancellationToken);
        var multiLabel = classifier.ProblemType == ProblemType.MultiLabelClassification;
        await using var csv = new CsvWriter(output, CultureInfo.InvariantCulture, leaveOpen: true);
        foreach (var name in input.Columns.Concat(PredictionColumns.Names(classifier.Labels, includeLogits)))
        {
            csv.WriteField(name);
        }

        await csv.NextRecordAsync();
        for (var i = 0; i < input.Rows.Count; i++)
        {
            foreach (var value in input.Rows[i].Values.Concat(PredictionColumns.Values(predictions[i], multiLabel, includeLogits)))
            {
                csv.WriteField(value);
            }

            await csv.NextRecordAsync();
        }

        await csv.FlushAsync();
    }
}
