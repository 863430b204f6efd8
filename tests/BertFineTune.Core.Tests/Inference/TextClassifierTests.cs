using BertFineTune.Diagnostics;
using BertFineTune.Inference;
using BertFineTune.Native;
using BertFineTune.Tests.Inference.Support;
using TorchSharp;

namespace BertFineTune.Tests.Inference;

public class TextClassifierTests
{
    public TextClassifierTests() => TorchNativeLoader.EnsureLoaded();

    [Fact]
    public void A_batch_gives_the_same_results_as_one_text_at_a_time()
    {
        using var classifier = TinyClassifiers.Sentiment(new TextClassifierOptions { BatchSize = 4 });
        var texts = TinyClassifiers.Texts(23);

        var batch = classifier.PredictBatch(texts);

        Assert.Equal(texts.Length, batch.Count);
        for (var i = 0; i < texts.Length; i++)
        {
            AssertSame(classifier.Predict(texts[i]), batch[i]);
        }
    }

    [Fact]
    public void Sorted_length_batching_returns_results_in_input_order()
    {
        using var classifier = TinyClassifiers.Sentiment(new TextClassifierOptions { BatchSize = 3 });
        var texts = TinyClassifiers.Texts(17);
        var reversed = texts.Reverse().ToArray();

        var forward = classifier.PredictLogits(texts);
        var backward = classifier.PredictLogits(reversed);

        // Lengths differ, so a result left in sorted order would land on the wrong text.
        Assert.True(texts.Select(t => t.Length).Distinct().Count() > 10);
        for (var i = 0; i < texts.Length; i++)
        {
            AssertClose(forward[i], backward[texts.Length - 1 - i], 1e-5f);
            AssertClose(classifier.PredictLogits([texts[i]])[0], forward[i], 1e-5f);
        }
    }

    [Fact]
    public void The_batch_plan_covers_every_text_once_longest_first()
    {
        int[] lengths = [3, 9, 1, 9, 5, 7, 2];

        var plan = LengthSortedBatches.Plan(lengths, 3);

        Assert.Equal([[1, 3, 5], [4, 0, 6], [2]], plan);
    }

    [Fact]
    public async Task Eight_parallel_callers_get_the_same_outputs_as_sequential_calls()
    {
        var tokenizer = new WhitespaceHashTokenizer();
        using var classifier = new TextClassifier(new TinyClassifierModel(TinyClassifiers.SentimentLabels), tokenizer, new TextClassifierOptions { BatchSize = 5 });
        var texts = TinyClassifiers.Texts(40);
        var sequential = texts.Select(classifier.Predict).ToArray();

        var callers = Enumerable.Range(0, 8).Select(caller => Task.Run(() =>
        {
            // Each caller asks for a different rotation, several times, so batches of different callers interleave.
            var rotated = texts.Skip(caller * 5).Concat(texts.Take(caller * 5)).ToArray();
            return Enumerable.Range(0, 3).Select(_ => (Rotation: caller * 5, Results: classifier.PredictBatch(rotated))).ToArray();
        })).ToArray();
        var answers = (await Task.WhenAll(callers)).SelectMany(a => a).ToArray();

        Assert.Equal(24, answers.Length);
        foreach (var (rotation, results) in answers)
        {
            for (var i = 0; i < texts.Length; i++)
            {
                AssertSame(sequential[(i + rotation) % texts.Length], results[i]);
            }
        }

        Assert.False(tokenizer.Reentered, "The tokenizer was called from two threads at once.");
    }

    [Fact]
    public void Single_label_probabilities_are_the_softmax_of_the_logits_and_the_label_is_the_argmax()
    {
        using var classifier = TinyClassifiers.Sentiment();
        foreach (var prediction in classifier.PredictBatch(TinyClassifiers.Texts(12)))
        {
            using var logits = torch.tensor(prediction.Logits.ToArray());
            using var softmax = logits.softmax(0);
            AssertClose(softmax.data<float>().ToArray(), [.. prediction.Probabilities], 1e-6f);
            var best = prediction.Probabilities.ToList().IndexOf(prediction.Probabilities.Max());
            Assert.Equal(classifier.Labels[best], prediction.Label);
            Assert.Equal(best, prediction.LabelId);
            Assert.Equal(prediction.Probabilities[best], prediction.Score);
            Assert.Equal([prediction.Label], prediction.PredictedLabels);
        }
    }

    [Fact]
    public void Multi_label_probabilities_are_sigmoids_and_the_labels_are_those_over_the_threshold()
    {
        using var strict = TinyClassifiers.Topics(new TextClassifierOptions { MultiLabelThreshold = 0.9f });
        using var lenient = TinyClassifiers.Topics(new TextClassifierOptions { MultiLabelThreshold = 0.1f });
        var texts = TinyClassifiers.Texts(30);

        var strictResults = strict.PredictBatch(texts);
        var lenientResults = lenient.PredictBatch(texts);

        for (var i = 0; i < texts.Length; i++)
        {
            var prediction = lenientResults[i];
            using var logits = torch.tensor(prediction.Logits.ToArray());
            using var sigmoid = logits.sigmoid();
            AssertClose(sigmoid.data<float>().ToArray(), [.. prediction.Probabilities], 1e-6f);
            var expected = Enumerable.Range(0, 4).Where(j => prediction.Probabilities[j] >= 0.1f).OrderByDescending(j => prediction.Probabilities[j]).Select(j => lenient.Labels[j]);
            Assert.Equal(expected, prediction.PredictedLabels);
            Assert.All(strictResults[i].PredictedLabels, label => Assert.Contains(label, prediction.PredictedLabels));
        }

        // The thresholds must matter on this data, or the test proves nothing.
        Assert.True(lenientResults.Sum(r => r.PredictedLabels.Count) > strictResults.Sum(r => r.PredictedLabels.Count));
    }

    [Fact]
    public void Texts_longer_than_the_max_length_are_truncated_not_rejected()
    {
        using var classifier = TinyClassifiers.Sentiment(new TextClassifierOptions { MaxLength = 16 });
        var words = Enumerable.Range(0, 500).Select(i => $"w{i % 37}").ToArray();

        var whole = classifier.Predict(string.Join(' ', words));
        var first14 = classifier.Predict(string.Join(' ', words.Take(14)));

        Assert.Equal(16, classifier.MaxLength);
        AssertSame(first14, whole);
    }

    [Fact]
    public void Bf16_reaches_the_linear_layers_and_stays_close_to_fp32()
    {
        var model = new TinyClassifierModel(TinyClassifiers.SentimentLabels);
        using var bf16 = new TextClassifier(model, new WhitespaceHashTokenizer(), new TextClassifierOptions { UseBf16 = true });
        using var fp32 = TinyClassifiers.Sentiment();
        var texts = TinyClassifiers.Texts(10);

        var low = bf16.PredictLogits(texts);
        var full = fp32.PredictLogits(texts);

        Assert.Equal(torch.ScalarType.BFloat16, model.LinearComputeType);
        for (var i = 0; i < texts.Length; i++)
        {
            for (var j = 0; j < full[i].Length; j++)
            {
                Assert.True(Math.Abs(low[i][j] - full[i][j]) <= 0.05f * (1 + Math.Abs(full[i][j])), $"text {i} label {j}: bf16 {low[i][j]} vs fp32 {full[i][j]}");
            }
        }
    }

    [Theory]
    [InlineData(0, null, 0.5f, "cpu", "BFT401")]
    [InlineData(8, 1000, 0.5f, "cpu", "BFT402")]
    [InlineData(8, null, 1.5f, "cpu", "BFT403")]
    [InlineData(8, null, 0.5f, "tpu", "BFT406")]
    public void Options_that_do_not_fit_the_model_are_user_errors(int batchSize, int? maxLength, float threshold, string device, string code)
    {
        var options = new TextClassifierOptions { BatchSize = batchSize, MaxLength = maxLength, MultiLabelThreshold = threshold, Device = device };

        var error = Assert.Throws<UserErrorException>(() => TinyClassifiers.Sentiment(options));

        Assert.Equal(code, error.Errors.Single().Code);
    }

    [Fact]
    public void A_model_that_does_not_exist_is_a_user_error()
    {
        var missing = Path.Combine(Path.GetTempPath(), "bertft-no-such-model-" + Guid.NewGuid().ToString("N"));

        Assert.Throws<UserErrorException>(() => TextClassifier.Load(missing, new TextClassifierOptions()));
    }

    [Fact]
    public void Long_work_reports_progress_after_each_batch_and_can_be_cancelled()
    {
        using var classifier = TinyClassifiers.Sentiment(new TextClassifierOptions { BatchSize = 4 });
        var texts = TinyClassifiers.Texts(10);
        var reports = new List<InferenceProgress>();

        classifier.PredictBatch(texts, new SynchronousProgress(reports.Add));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Equal([new(4, 10), new(8, 10), new(10, 10)], reports);
        Assert.Throws<OperationCanceledException>(() => classifier.PredictBatch(texts, cancelled.Token));
    }

    [Fact]
    public void Describes_the_model_and_answers_empty_input_with_nothing()
    {
        using var classifier = TinyClassifiers.Sentiment();

        Assert.Equal(TinyClassifiers.SentimentLabels, classifier.Labels);
        Assert.Equal(64, classifier.MaxLength);
        Assert.Equal("tiny", classifier.ModelType);
        Assert.Equal("TinyForSequenceClassification", classifier.Architecture);
        Assert.Equal("tiny test model", classifier.Source);
        Assert.Empty(classifier.PredictBatch([]));
    }

    [Fact]
    public void A_disposed_classifier_refuses_work_and_a_left_open_model_survives_it()
    {
        using var model = new TinyClassifierModel(TinyClassifiers.SentimentLabels);
        var first = new TextClassifier(model, new WhitespaceHashTokenizer(), new TextClassifierOptions(), leaveModelOpen: true);
        var before = first.Predict("the match was great");
        first.Dispose();

        Assert.Throws<ObjectDisposedException>(() => first.Predict("the match was great"));
        using var second = new TextClassifier(model, new WhitespaceHashTokenizer(), new TextClassifierOptions());
        AssertSame(before, second.Predict("the match was great"));
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<InferenceProgress> report) : IProgress<InferenceProgress>
    {
        public void Report(InferenceProgress value) => report(value);
    }

    internal static void AssertSame(TextPrediction expected, TextPrediction actual)
    {
        Assert.Equal(expected.Label, actual.Label);
        Assert.Equal(expected.PredictedLabels, actual.PredictedLabels);
        Assert.Equal(expected.Score, actual.Score, 1e-5f);
        AssertClose([.. expected.Probabilities], [.. actual.Probabilities], 1e-5f);
        AssertClose([.. expected.Logits], [.. actual.Logits], 1e-5f);
    }

    internal static void AssertClose(float[] expected, float[] actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"[{i}] expected {expected[i]}, got {actual[i]}");
        }
    }
}
