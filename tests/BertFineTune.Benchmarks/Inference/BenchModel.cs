using System.Globalization;
using BertFineTune.Inference;
using BertFineTune.Native;
using BertFineTune.Tests.Inference.Support;
using BertFineTune.Tests.Support;
using CsvHelper;

namespace BertFineTune.Benchmarks.Inference;

/// <summary>
/// The model and sentences the inference benchmarks use. <c>BERTFT_BENCH_MODEL</c> names a model folder or Hub id
/// (for the published numbers: all-MiniLM-L6-v2); unset, the tiny test model stands in, to check the suites run.
/// </summary>
public static class BenchModel
{
    public const string Variable = "BERTFT_BENCH_MODEL";

    public static string Description => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } model ? model : "tiny test model (set " + Variable + ")";

    public static TextClassifier Load(TextClassifierOptions options)
    {
        TorchNativeLoader.EnsureLoaded();
        var model = Environment.GetEnvironmentVariable(Variable);
        return string.IsNullOrEmpty(model) ? TinyClassifiers.Sentiment(options) : TextClassifier.Load(model, options);
    }

    /// <summary>Real English sentences: the first <paramref name="count"/> fortunes of 20 to 300 characters, cycled if needed.</summary>
    public static string[] Sentences(int count)
    {
        using var reader = new StreamReader(RepoPaths.Data("fortunes", "fortunes.csv"));
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        csv.Read();
        csv.ReadHeader();
        var quotes = new List<string>();
        while (quotes.Count < count && csv.Read())
        {
            var quote = csv.GetField("quote") ?? string.Empty;
            if (quote.Length <= 300)
            {
                quotes.Add(quote);
            }
        }

        return [.. Enumerable.Range(0, count).Select(i => quotes[i % quotes.Count])];
    }
}
