using System.Text.Json;
using BertFineTune.Diagnostics;
using BertFineTune.Tests.Support;
using BertFineTune.Text.Tokenization;

namespace BertFineTune.Tests.Text.Tokenization;

public sealed class WordPieceVocabularyTests
{
    [Fact]
    public void CrlfVocabularyReproducesMiniLmReferenceIds()
    {
        using var temp = new TempDirectory();
        var lf = File.ReadAllText(Path.Combine(RepoPaths.Fixture("tiny-bert"), "model", "vocab.txt"));
        File.WriteAllText(temp.File("vocab.txt"), lf.Replace("\n", "\r\n"));

        var tokenizer = WordPieceTextTokenizer.FromVocabFile(temp.File("vocab.txt"), new WordPieceSettings());

        Assert.Equal(30522, tokenizer.Vocabulary.Count);
        Assert.DoesNotContain(tokenizer.Vocabulary, t => t.Contains('\r'));
        foreach (var (text, tokens, ids) in MiniLmReference.Sentences())
        {
            var encoded = tokenizer.Encode(text);
            Assert.Equal(tokens, encoded.Tokens);
            Assert.Equal(ids, encoded.InputIds);
        }
    }

    [Fact]
    public void CasedSettingsKeepCaseAndAccents()
    {
        var vocab = new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "Café", "cafe", "=", "##s" };
        var cased = WordPieceTextTokenizer.FromVocabulary(vocab, new WordPieceSettings(DoLowerCase: false));
        var uncased = WordPieceTextTokenizer.FromVocabulary(vocab, new WordPieceSettings(DoLowerCase: true));
        var lowerKeepAccents = WordPieceTextTokenizer.FromVocabulary(vocab, new WordPieceSettings(DoLowerCase: true, StripAccents: false));

        Assert.Equal(["[CLS]", "Café", "=", "[UNK]", "[SEP]"], cased.Encode("Café=CAFE").Tokens);
        Assert.Equal(["[CLS]", "cafe", "##s", "=", "[SEP]"], uncased.Encode("CAFÉS=").Tokens);
        Assert.Equal(["[CLS]", "[UNK]", "[SEP]"], lowerKeepAccents.Encode("Café").Tokens);
    }

    [Fact]
    public void TooSmallMaxLengthIsAUserError()
    {
        var tokenizer = AutoTokenizer.FromDirectory(Path.Combine(RepoPaths.Fixture("tiny-roberta"), "model"));
        var error = Assert.Throws<UserErrorException>(() => tokenizer.Encode("hello", "world", maxLength: 4));
        Assert.Contains("at least 5", error.Message);
        Assert.Equal(5, tokenizer.Encode("hello there", "world", maxLength: 5).Length);
    }

    [Fact]
    public void UnknownTokenizerClassListsTheSupportedOnes()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("tokenizer_config.json"), """{"tokenizer_class": "T5Tokenizer"}""");

        var error = Assert.Throws<UserErrorException>(() => AutoTokenizer.FromDirectory(temp.Path));

        Assert.Equal("BFT205", error.Errors[0].Code);
        Assert.Equal("tokenizer_class", error.Errors[0].Key);
        Assert.Contains("T5Tokenizer", error.Message);
        Assert.Contains("BertTokenizer", error.Message);
        Assert.Contains("modernbert", error.Message);
    }
}

/// <summary>The sentences of <c>minilm-reference/reference.json</c> with their slow-tokenizer tokens and ids.</summary>
internal static class MiniLmReference
{
    public static IEnumerable<(string Text, string[] Tokens, int[] Ids)> Sentences()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Fixture("minilm-reference"), "reference.json")));
        var list = new List<(string, string[], int[])>();
        foreach (var s in doc.RootElement.GetProperty("sentences").EnumerateArray())
        {
            list.Add((
                s.GetProperty("text").GetString()!,
                [.. s.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!)],
                [.. s.GetProperty("input_ids").EnumerateArray().Select(t => t.GetInt32())]));
        }

        return list;
    }
}
