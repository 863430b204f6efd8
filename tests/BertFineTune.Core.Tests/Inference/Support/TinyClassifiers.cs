using BertFineTune.Inference;
using BertFineTune.Models;

namespace BertFineTune.Tests.Inference.Support;

/// <summary>Ready-made tiny classifiers and texts for inference tests.</summary>
public static class TinyClassifiers
{
    public static readonly string[] SentimentLabels = ["negative", "neutral", "positive"];

    public static readonly string[] TopicLabels = ["sports", "politics", "science", "music"];

    /// <summary>A single-label classifier that owns its model.</summary>
    public static TextClassifier Sentiment(TextClassifierOptions? options = null) =>
        TextClassifier.Load(
            new PreloadedModelSource(new TinyClassifierModel(SentimentLabels), new WhitespaceHashTokenizer(), "tiny test model"),
            options ?? new TextClassifierOptions());

    /// <summary>A multi-label classifier that owns its model.</summary>
    public static TextClassifier Topics(TextClassifierOptions? options = null) =>
        TextClassifier.Load(
            new PreloadedModelSource(new TinyClassifierModel(TopicLabels, ProblemType.MultiLabelClassification, seed: 7), new WhitespaceHashTokenizer(), "tiny multi-label model"),
            options ?? new TextClassifierOptions());

    /// <summary><paramref name="count"/> texts of varied lengths (1 to about 40 words), the same every time.</summary>
    public static string[] Texts(int count)
    {
        string[] words = ["the", "match", "was", "great", "terrible", "vote", "senate", "atoms", "guitar", "quiet", "loud", "rain", "goal", "theory", "song", "not", "very", "today"];
        var texts = new string[count];
        for (var i = 0; i < count; i++)
        {
            var length = 1 + ((i * 7) % 40);
            texts[i] = string.Join(' ', Enumerable.Range(0, length).Select(j => words[((i * 31) + (j * 17) + (i * j)) % words.Length]));
        }

        return texts;
    }
}
