using BertFineTune.Diagnostics;

namespace BertFineTune.Text.Tokenization;

/// <summary>
/// <c>truncation=True</c> (<c>longest_first</c>) exactly as transformers 4.28's slow tokenizers do it: a single segment
/// loses its tail; for a pair, one token at a time is cut from the longer segment, and from the second on a tie.
/// </summary>
public static class LongestFirstTruncation
{
    /// <summary>Cuts <paramref name="first"/> and <paramref name="second"/> so that, with <paramref name="specialTokens"/> added, the total fits <paramref name="maxLength"/>.</summary>
    public static (List<Token> First, List<Token>? Second) Apply(List<Token> first, List<Token>? second, int specialTokens, int maxLength)
    {
        var total = first.Count + (second?.Count ?? 0) + specialTokens;
        var toRemove = total - maxLength;
        if (toRemove <= 0)
        {
            return (first, second);
        }

        if (maxLength <= specialTokens)
        {
            throw new UserErrorException(
                "BFT207",
                $"max_length {maxLength} leaves no room for text: the tokenizer adds {specialTokens} special tokens. Use a max_length of at least {specialTokens + 1}.");
        }

        if (second is null)
        {
            first.RemoveRange(first.Count - toRemove, toRemove);
            return (first, null);
        }

        var firstCount = first.Count;
        var secondCount = second.Count;
        for (var i = 0; i < toRemove; i++)
        {
            if (firstCount > secondCount)
            {
                firstCount--;
            }
            else
            {
                secondCount--;
            }
        }

        first.RemoveRange(firstCount, first.Count - firstCount);
        second.RemoveRange(secondCount, second.Count - secondCount);
        return (first, second);
    }
}
