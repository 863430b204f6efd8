using System.Text;
using System.Text.Json;
using BertFineTune.Text.Tokenization;

namespace BertFineTune.Tests.Inference.Support;

/// <summary>
/// A deterministic test tokenizer: lower-cased whitespace words hashed (FNV-1a) into a fixed vocabulary, framed by
/// [CLS] and [SEP] and truncated like HF's (the final [SEP] kept). Not thread-safe on purpose: it counts calls without
/// synchronisation, so a classifier that called it from two threads at once could be caught by <see cref="Reentered"/>.
/// </summary>
public sealed class WhitespaceHashTokenizer : ITextTokenizer
{
    public const int DefaultVocabSize = 512;
    public const int PadId = 0;
    public const int ClsId = 1;
    public const int SepId = 2;
    private const int FirstWordId = 3;
    private readonly int vocabSize;
    private int active;

    public WhitespaceHashTokenizer(int vocabSize = DefaultVocabSize) => this.vocabSize = vocabSize;

    public int PadTokenId => PadId;

    public bool ReturnsTokenTypeIds => true;

    /// <summary>Set when two Encode calls ever overlapped.</summary>
    public bool Reentered { get; private set; }

    public TokenizedText Encode(string text, string? textPair = null, int? maxLength = null)
    {
        if (Interlocked.Increment(ref active) > 1)
        {
            Reentered = true;
        }

        try
        {
            var first = Words(text);
            var second = textPair is null ? null : Words(textPair);
            var budget = (maxLength ?? int.MaxValue) - (second is null ? 2 : 3);
            while (first.Count + (second?.Count ?? 0) > budget)
            {
                // longest_first: trim the longer sequence one token at a time.
                var from = second is not null && second.Count > first.Count ? second : first;
                from.RemoveAt(from.Count - 1);
            }

            var tokens = new List<string> { "[CLS]" };
            tokens.AddRange(first);
            tokens.Add("[SEP]");
            var types = Enumerable.Repeat(0, tokens.Count).ToList();
            if (second is not null)
            {
                tokens.AddRange(second);
                tokens.Add("[SEP]");
                types.AddRange(Enumerable.Repeat(1, second.Count + 1));
            }

            return new TokenizedText([.. tokens.Select(Id)], [.. types], [.. tokens]);
        }
        finally
        {
            Interlocked.Decrement(ref active);
        }
    }

    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), JsonSerializer.Serialize(new { tokenizer_class = "WhitespaceHashTokenizer", vocab_size = vocabSize }));
    }

    private static List<string> Words(string text) =>
        [.. text.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)];

    private int Id(string token) => token switch
    {
        "[CLS]" => ClsId,
        "[SEP]" => SepId,
        _ => FirstWordId + (int)(Fnv1a(token) % (uint)(vocabSize - FirstWordId)),
    };

    private static uint Fnv1a(string word)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(word))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }
}
