using System.Globalization;
using System.Text.Json;
using BertFineTune.Cli.Tests.Support;
using BertFineTune.Inference;
using BertFineTune.Tests.Support;
using CsvHelper;

namespace BertFineTune.Cli.Tests.Commands;

public class PredictCommandTests
{
    public static TheoryData<string> Fixtures => new() { "tiny-bert", "tiny-distilbert", "tiny-roberta", "tiny-modernbert", "tiny-modernbert-cls", "tiny-electra", "tiny-xlm-roberta", "tiny-deberta-v3" };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Logits_equal_the_transformers_reference_for_every_fixture(string fixture)
    {
        var result = await Bertft.RunAsync(
            null,
            null,
            "predict", "--model", Path.Combine(RepoPaths.Fixture(fixture), "model"), "--input", Path.Combine(RepoPaths.Fixture(fixture), "inputs.jsonl"),
            "--text-pair-column", "text_pair", "--max-length", "24", "--logits", "--batch-size", "3");

        Assert.True(result.ExitCode == 0, result.ToString());
        var rows = ReadCsv(result.Stdout);
        var expected = ExpectedLogits(fixture);
        Assert.Equal(expected.Length, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            // Output keeps input order even though batches run by sorted length.
            Assert.Equal(i.ToString(CultureInfo.InvariantCulture), rows[i]["index"]);
            var logits = new[] { "logit_neg", "logit_neu", "logit_pos" }.Select(c => float.Parse(rows[i][c], CultureInfo.InvariantCulture)).ToArray();
            for (var j = 0; j < logits.Length; j++)
            {
                Assert.InRange(Math.Abs(logits[j] - expected[i][j]), 0, 1e-4);
            }

            var best = Array.IndexOf(logits, logits.Max());
            Assert.Equal(new[] { "neg", "neu", "pos" }[best], rows[i]["predicted_label"]);
        }
    }

    [Fact]
    public async Task Text_classifier_gives_what_predict_writes_also_under_8_parallel_callers()
    {
        var fixture = RepoPaths.Fixture("tiny-roberta");
        var texts = File.ReadLines(Path.Combine(fixture, "inputs.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()!).ToArray();
        using var temp = new TempDirectory();
        await File.WriteAllLinesAsync(temp.File("in.jsonl"), texts.Select(t => JsonSerializer.Serialize(new { text = t })));
        var cli = await Bertft.RunAsync(null, null, "predict", "--model", Path.Combine(fixture, "model"), "--input", temp.File("in.jsonl"), "--logits");
        Assert.True(cli.ExitCode == 0, cli.ToString());
        var fromCli = ReadCsv(cli.Stdout).Select(r => r.Where(kv => kv.Key.StartsWith("logit_", StringComparison.Ordinal)).Select(kv => float.Parse(kv.Value, CultureInfo.InvariantCulture)).ToArray()).ToArray();

        using var classifier = TextClassifier.Load(Path.Combine(fixture, "model"), new TextClassifierOptions());
        var parallel = await Task.WhenAll(Enumerable.Range(0, 8).Select(caller => Task.Run(() =>
            classifier.PredictBatch(texts.Skip(caller % texts.Length).Concat(texts.Take(caller % texts.Length)).ToArray()))));
        for (var caller = 0; caller < parallel.Length; caller++)
        {
            for (var i = 0; i < texts.Length; i++)
            {
                // The CLI writes round-trip floats, so the values are equal, not close.
                Assert.Equal(fromCli[(i + caller) % texts.Length], parallel[caller][i].Logits.ToArray());
            }
        }
    }

    [Fact]
    public async Task Reads_standard_input_and_names_the_missing_column()
    {
        var model = Path.Combine(RepoPaths.Fixture("tiny-bert"), "model");
        var ok = await Bertft.RunAsync(null, "text\nhello world\n\"a, quoted\nline\"\n", "predict", "--model", model, "--input", "-");
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Equal(2, ReadCsv(ok.Stdout).Count);

        var bad = await Bertft.RunAsync(null, "review\nhello\n", "predict", "--model", model, "--input", "-");
        Assert.True(bad.ExitCode == 2, bad.ToString());
        Assert.Contains("no column 'text'", bad.Stderr);
        Assert.Contains("Available columns: review", bad.Stderr);
    }

    [Fact]
    public async Task Writes_an_xlsx_input_to_an_output_file_atomically_in_input_order()
    {
        using var temp = new TempDirectory();
        var result = await Bertft.RunAsync(
            temp.Path, null, "predict", "--model", Path.Combine(RepoPaths.Fixture("tiny-bert"), "model"),
            "--input", RepoPaths.Data("spamassassin", "spamassassin_b.xlsx"), "--text-column", "email_text", "--output", "predictions.csv", "--max-length", "32");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("wrote 1816 predictions", result.Stderr);
        Assert.Equal(["predictions.csv"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
        var rows = ReadCsv(await File.ReadAllTextAsync(temp.File("predictions.csv")));
        Assert.Equal(1816, rows.Count);
        Assert.All(rows, r => Assert.Contains(r["predicted_label"], new[] { "neg", "neu", "pos" }));
        Assert.Equal(new[] { "email_text", "is_spam", "predicted_label", "predicted_score", "prob_neg", "prob_neu", "prob_pos" }, rows[0].Keys);
    }

    internal static float[][] ExpectedLogits(string fixture)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Fixture(fixture), "expected.json")));
        return doc.RootElement.GetProperty("eval").GetProperty("logits").EnumerateArray()
            .Select(row => row.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
    }

    internal static List<Dictionary<string, string>> ReadCsv(string text)
    {
        using var csv = new CsvReader(new StringReader(text), CultureInfo.InvariantCulture);
        var rows = new List<Dictionary<string, string>>();
        csv.Read();
        csv.ReadHeader();
        var header = csv.HeaderRecord!;
        while (csv.Read())
        {
            rows.Add(header.ToDictionary(h => h, h => csv.GetField(h)!));
        }

        return rows;
    }
}
