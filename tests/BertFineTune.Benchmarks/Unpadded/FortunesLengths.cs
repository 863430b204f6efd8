using BertFineTune.Tests.Support;
using BertFineTune.Pipelines;
using BertFineTune.Text.Tokenization;

namespace BertFineTune.Benchmarks.Unpadded;

/// <summary>
/// Token counts of the fortunes quotes with the bert-base-uncased WordPiece vocabulary (tiny-bert's, the same as
/// all-MiniLM-L6-v2's), max_length 128, cut into seeded random batches of 16: the shapes the bench trains on.
/// </summary>
internal static class FortunesLengths
{
    public static async Task<List<int[]>> BatchesAsync(int rows = 480, int batchSize = 16, int seed = 42)
    {
        var input = await InputTable.ReadAsync(RepoPaths.Data("fortunes", "fortunes.csv"), "quote", null, TextReader.Null, CancellationToken.None);
        var tokenizer = AutoTokenizer.FromDirectory(Path.Combine(RepoPaths.Fixture("tiny-bert"), "model"));
        var lengths = input.Rows.Take(rows).Select(r => tokenizer.Encode(r[input.TextColumn], null, 128).Length).ToArray();
        var random = new Random(seed);
        random.Shuffle(lengths);
        return lengths.Chunk(batchSize).Where(c => c.Length == batchSize).ToList();
    }
}
