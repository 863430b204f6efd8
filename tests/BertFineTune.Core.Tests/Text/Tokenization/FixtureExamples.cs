using System.Text.Json;
using BertFineTune.Tests.Support;

namespace BertFineTune.Tests.Text.Tokenization;

/// <summary>One line of a fixture's <c>inputs.jsonl</c>: the reference tokenizer's output for one example.</summary>
internal sealed record FixtureExample(int Index, string Text, string? TextPair, int[] InputIds, int[]? TokenTypeIds, string[] Tokens)
{
    public static IEnumerable<FixtureExample> Read(string fixture)
    {
        foreach (var line in File.ReadLines(Path.Combine(RepoPaths.Fixture(fixture), "inputs.jsonl")))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var count = root.GetProperty("num_tokens").GetInt32();
            int[] Ints(string name) => [.. root.GetProperty(name).EnumerateArray().Take(count).Select(e => e.GetInt32())];
            yield return new FixtureExample(
                root.GetProperty("index").GetInt32(),
                root.GetProperty("text").GetString()!,
                root.GetProperty("text_pair").GetString(),
                Ints("input_ids"),
                root.TryGetProperty("token_type_ids", out _) ? Ints("token_type_ids") : null,
                [.. root.GetProperty("tokens").EnumerateArray().Select(e => e.GetString()!)]);
        }
    }
}
