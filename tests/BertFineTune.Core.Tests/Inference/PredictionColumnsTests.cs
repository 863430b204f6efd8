using System.Globalization;
using BertFineTune.Inference;
using BertFineTune.Native;
using BertFineTune.Tests.Inference.Support;

namespace BertFineTune.Tests.Inference;

public class PredictionColumnsTests
{
    public PredictionColumnsTests() => TorchNativeLoader.EnsureLoaded();

    [Fact]
    public void Columns_match_their_values_and_logits_round_trip_exactly()
    {
        using var classifier = TinyClassifiers.Sentiment();
        var prediction = classifier.Predict("the match was great");

        var names = PredictionColumns.Names(classifier.Labels, includeLogits: true);
        var values = PredictionColumns.Values(prediction, multiLabel: false, includeLogits: true);

        Assert.Equal(["predicted_label", "predicted_score", "prob_negative", "prob_neutral", "prob_positive", "logit_negative", "logit_neutral", "logit_positive"], names);
        Assert.Equal(names.Count, values.Count);
        Assert.Equal(prediction.Label, values[0]);
        Assert.Equal(prediction.Logits, values.Skip(5).Select(v => float.Parse(v, CultureInfo.InvariantCulture)));
        Assert.Equal(prediction.Probabilities, values.Skip(2).Take(3).Select(v => float.Parse(v, CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Multi_label_rows_list_every_predicted_label_and_leave_logits_out_unless_asked()
    {
        using var classifier = TinyClassifiers.Topics(new TextClassifierOptions { MultiLabelThreshold = 0.2f });
        var predictions = classifier.PredictBatch(TinyClassifiers.Texts(20));

        foreach (var prediction in predictions)
        {
            var values = PredictionColumns.Values(prediction, multiLabel: true, includeLogits: false);
            Assert.Equal(PredictionColumns.Names(classifier.Labels, includeLogits: false).Count, values.Count);
            Assert.Equal(string.Join("|", prediction.PredictedLabels), values[0]);
        }

        Assert.Contains(predictions, p => p.PredictedLabels.Count > 1);
    }
}
