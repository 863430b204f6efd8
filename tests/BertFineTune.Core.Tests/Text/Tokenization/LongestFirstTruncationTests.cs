using BertFineTune.Text.Tokenization;

namespace BertFineTune.Tests.Text.Tokenization;

/// <summary>transformers 4.28 <c>truncate_sequences</c> with <c>longest_first</c>: one token at a time from the longer segment, the second on ties.</summary>
public sealed class LongestFirstTruncationTests
{
    private static List<Token> Tokens(int count) => [.. Enumerable.Range(0, count).Select(i => new Token(i, $"t{i}"))];

    [Theory]
    [InlineData(5, 5, 9, 3, 3)]
    [InlineData(6, 3, 10, 4, 3)]
    [InlineData(3, 8, 9, 3, 3)]
    [InlineData(2, 2, 24, 2, 2)]
    [InlineData(7, 4, 9, 3, 3)]
    public void CutsTheLongerSegmentFirst(int first, int second, int maxLength, int expectedFirst, int expectedSecond)
    {
        var (a, b) = LongestFirstTruncation.Apply(Tokens(first), Tokens(second), specialTokens: 3, maxLength);

        Assert.Equal(expectedFirst, a.Count);
        Assert.Equal(expectedSecond, b!.Count);
        Assert.Equal(Enumerable.Range(0, expectedFirst), a.Select(t => t.Id));
    }

    [Fact]
    public void SingleSegmentLosesItsTail()
    {
        var (a, b) = LongestFirstTruncation.Apply(Tokens(30), null, specialTokens: 2, maxLength: 24);

        Assert.Null(b);
        Assert.Equal(Enumerable.Range(0, 22), a.Select(t => t.Id));
    }

    [Fact]
    public void RobertaPairsCountFourSpecialTokens()
    {
        var tokenizer = AutoTokenizer.FromDirectory(Path.Combine(Support.RepoPaths.Fixture("tiny-roberta"), "model"));

        var encoded = tokenizer.Encode("one two three four five six", "seven eight nine ten eleven twelve", maxLength: 10);

        Assert.Equal(10, encoded.Length);
        Assert.Equal(["<s>", "one", "Ġtwo", "Ġthree", "</s>", "</s>", "se", "ven", "Ġeight", "</s>"], encoded.Tokens);
        Assert.Null(encoded.TokenTypeIds);
    }
}
