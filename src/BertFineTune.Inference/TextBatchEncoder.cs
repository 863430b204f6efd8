using BertFineTune.Text.Tokenization;

namespace BertFineTune.Inference;

/// <summary>Tokenizes a batch of texts (and optional second texts) the same way for the ONNX and TorchSharp classifiers.</summary>
internal static class TextBatchEncoder
{
    /// <summary>
    /// One encoding per text, truncated to <paramref name="maxLength"/>; an empty or missing pair means a single text.
    /// Tokenizers are not thread-safe: the caller holds its tokenizer lock around this call.
    /// </summary>
    public static TokenizedText[] Encode(ITextTokenizer tokenizer, IReadOnlyList<string> texts, IReadOnlyList<string?>? pairs, int maxLength)
    {
        var encodings = new TokenizedText[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            var text = texts[i] ?? throw new ArgumentException($"Text {i} is null.", nameof(texts));
            var pair = pairs?[i] is { Length: > 0 } second ? second : null;
            encodings[i] = tokenizer.Encode(text, pair, maxLength);
        }

        return encodings;
    }
}
