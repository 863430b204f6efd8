using BertFineTune.Tests.Support;
using BertFineTune.Text.Tokenization;

namespace BertFineTune.Tests.Text.Tokenization;

/// <summary>Every fixture example (text, pair, max_length 24) gives the reference tokenizer's ids, types and tokens.</summary>
public sealed class FixtureTokenizationTests
{
    public static TheoryData<string> Fixtures => ["tiny-bert", "tiny-distilbert", "tiny-roberta", "tiny-modernbert", "tiny-modernbert-cls", "tiny-electra", "tiny-xlm-roberta", "tiny-deberta-v3"];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void EncodesEveryExampleLikeTransformers(string fixture)
    {
        var tokenizer = AutoTokenizer.FromDirectory(Path.Combine(RepoPaths.Fixture(fixture), "model"));

        foreach (var example in FixtureExample.Read(fixture))
        {
            var encoded = tokenizer.Encode(example.Text, example.TextPair, maxLength: 24);
            Assert.True(example.Tokens.SequenceEqual(encoded.Tokens), $"{fixture} #{example.Index} tokens: expected [{string.Join(' ', example.Tokens)}], got [{string.Join(' ', encoded.Tokens)}]");
            Assert.Equal(example.InputIds, encoded.InputIds);
            Assert.Equal(example.TokenTypeIds, encoded.TokenTypeIds);
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void SavedTokenizerLoadsBackWithIdenticalIds(string fixture)
    {
        using var temp = new TempDirectory();
        var source = Path.Combine(RepoPaths.Fixture(fixture), "model");
        var tokenizer = AutoTokenizer.FromDirectory(source);
        File.Copy(Path.Combine(source, "config.json"), temp.File("config.json"));

        tokenizer.Save(temp.Path);
        var reloaded = AutoTokenizer.FromDirectory(temp.Path);

        Assert.Equal(tokenizer.PadTokenId, reloaded.PadTokenId);
        Assert.Equal(tokenizer.ReturnsTokenTypeIds, reloaded.ReturnsTokenTypeIds);
        foreach (var example in FixtureExample.Read(fixture))
        {
            var before = tokenizer.Encode(example.Text, example.TextPair, 24);
            var after = reloaded.Encode(example.Text, example.TextPair, 24);
            Assert.Equal(before.InputIds, after.InputIds);
            Assert.Equal(before.TokenTypeIds, after.TokenTypeIds);
            Assert.Equal(before.Tokens, after.Tokens);
        }
    }

    [Fact]
    public void PadIdsAndTokenTypesFollowTheFamily()
    {
        ITextTokenizer Load(string f) => AutoTokenizer.FromDirectory(Path.Combine(RepoPaths.Fixture(f), "model"));
        Assert.Equal((0, true), (Load("tiny-bert").PadTokenId, Load("tiny-bert").ReturnsTokenTypeIds));
        Assert.Equal((0, false), (Load("tiny-distilbert").PadTokenId, Load("tiny-distilbert").ReturnsTokenTypeIds));
        Assert.Equal((1, false), (Load("tiny-roberta").PadTokenId, Load("tiny-roberta").ReturnsTokenTypeIds));
        Assert.Equal((5003, false), (Load("tiny-modernbert").PadTokenId, Load("tiny-modernbert").ReturnsTokenTypeIds));
    }
}
