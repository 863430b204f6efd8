using System.Globalization;
using System.Text.Json;
using BertFineTune.Cli.Tests.Support;
using BertFineTune.Tests.Support;
using CsvHelper;

namespace BertFineTune.Cli.Tests.Commands;

/// <summary>
/// ELECTRA, XLM-RoBERTa and DeBERTa-v3 through the whole product: <c>bertft train</c> on 300 real fortunes with the
/// tiny fixture as base model, a Hugging Face folder with the family's tokenizer files, then <c>predict</c> and
/// <c>evaluate</c> on the saved model.
/// </summary>
public class SentencePieceFamiliesEndToEndTests
{
    public static TheoryData<string, string, string, string> Families => new()
    {
        { "tiny-electra", "ElectraForSequenceClassification", "electra", "vocab.txt" },
        { "tiny-xlm-roberta", "XLMRobertaForSequenceClassification", "xlm-roberta", "sentencepiece.bpe.model" },
        { "tiny-deberta-v3", "DebertaV2ForSequenceClassification", "deberta-v2", "spm.model" },
    };

    [Theory]
    [MemberData(nameof(Families))]
    public async Task Trains_saves_in_hf_format_and_predicts(string fixture, string architecture, string modelType, string tokenizerFile)
    {
        using var temp = new TempDirectory();
        WriteFortunes(temp.File("fortunes.csv"), rows: 300);
        var baseModel = Path.Combine(RepoPaths.Fixture(fixture), "model");
        await File.WriteAllTextAsync(temp.File("config.yaml"), Config(baseModel));

        var train = await Bertft.RunAsync(temp.Path, null, "train", "config.yaml");

        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.Contains("fresh", train.Stdout); // 8 topics, not the fixture's 3 labels: a new head
        foreach (var file in new[] { "config.json", "model.safetensors", tokenizerFile, "tokenizer_config.json", "special_tokens_map.json" })
        {
            Assert.True(File.Exists(temp.File("out/model/" + file)), $"missing model/{file}\n{train}");
        }

        if (tokenizerFile.EndsWith(".model", StringComparison.Ordinal))
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(baseModel, tokenizerFile)), File.ReadAllBytes(temp.File("out/model/" + tokenizerFile)));
        }

        string[] labels;
        using (var config = JsonDocument.Parse(await File.ReadAllTextAsync(temp.File("out/model/config.json"))))
        {
            Assert.Equal(modelType, config.RootElement.GetProperty("model_type").GetString());
            Assert.Equal(architecture, config.RootElement.GetProperty("architectures")[0].GetString());
            labels = [.. config.RootElement.GetProperty("id2label").EnumerateObject().Select(p => p.Value.GetString()!)];
            Assert.Equal(8, labels.Length);
        }

        var predict = await Bertft.RunAsync(
            temp.Path, null, "predict", "--model", "out/model", "--input", "out/data/test.csv", "--text-column", "text", "--output", "predictions.csv", "--logits");

        Assert.True(predict.ExitCode == 0, predict.ToString());
        using var reader = new StreamReader(temp.File("predictions.csv"));
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        var predictions = csv.GetRecords<dynamic>().Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(CountRows(temp.File("out/data/test.csv")), predictions.Count);
        Assert.True(predictions.Count >= 20);
        Assert.All(predictions, p => Assert.Contains((string)p["predicted_label"], labels));

        var evaluate = await Bertft.RunAsync(
            temp.Path, null, "evaluate", "--model", "out/model", "--input", "out/data/test.csv", "--text-column", "text", "--label-column", "labels", "--max-length", "32", "--output", "eval");

        Assert.True(evaluate.ExitCode == 0, evaluate.ToString());
        using var trained = JsonDocument.Parse(await File.ReadAllTextAsync(temp.File("out/metrics.json")));
        using var evaluated = JsonDocument.Parse(await File.ReadAllTextAsync(temp.File("eval/metrics.json")));
        Assert.Equal(
            trained.RootElement.GetProperty("test").GetProperty("confusion_matrix").GetRawText(),
            evaluated.RootElement.GetProperty("test").GetProperty("confusion_matrix").GetRawText());
    }

    [Fact]
    public async Task The_multilingual_example_is_valid_and_trains_with_the_tiny_xlm_roberta_in_place_of_xlm_roberta_base()
    {
        using var temp = new TempDirectory();
        var validate = await Bertft.RunAsync(RepoPaths.Root, null, "validate", "examples/multilingual/config.yaml");
        Assert.True(validate.ExitCode == 0, validate.ToString());
        Assert.Contains("FacebookAI/xlm-roberta-base", validate.Stdout);

        // xlm-roberta-base cannot be downloaded here: the same settings with the tiny XLM-R fixture, one short epoch.
        var train = await Bertft.RunAsync(
            RepoPaths.Root,
            null,
            "train",
            "examples/multilingual/config.yaml",
            "--set", $"base_model.model_id={Path.Combine(RepoPaths.Fixture("tiny-xlm-roberta"), "model")}",
            "--set", $"training.output_dir={temp.File("out")}",
            "--set", "hyperparameters.epochs=1",
            "--set", "hyperparameters.max_length=32",
            "--set", "hyperparameters.batch_size=64");

        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.True(File.Exists(temp.File("out/model/sentencepiece.bpe.model")));
        using var metrics = JsonDocument.Parse(await File.ReadAllTextAsync(temp.File("out/metrics.json")));
        Assert.True(metrics.RootElement.GetProperty("test").GetProperty("num_samples").GetInt32() > 250);
    }

    [Fact]
    public async Task A_deberta_v1_folder_is_one_message_saying_v1_is_not_supported()
    {
        using var temp = new TempDirectory();
        var source = Path.Combine(RepoPaths.Fixture("tiny-deberta-v3"), "model");
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, temp.File(Path.GetFileName(file)));
        }

        // microsoft/deberta-base: model_type deberta, GPT-2 BPE tokenizer class DebertaTokenizer.
        await File.WriteAllTextAsync(temp.File("config.json"), (await File.ReadAllTextAsync(temp.File("config.json"))).Replace("\"deberta-v2\"", "\"deberta\"", StringComparison.Ordinal));
        await File.WriteAllTextAsync(temp.File("tokenizer_config.json"), "{\"tokenizer_class\": \"DebertaTokenizer\"}");
        await File.WriteAllTextAsync(temp.File("in.csv"), "text\nhello\n");

        var result = await Bertft.RunAsync(temp.Path, null, "predict", "--model", temp.Path, "--input", "in.csv");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("DeBERTa v1", result.Stderr);
        Assert.Contains("model_type", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public async Task A_corrupt_sentencepiece_model_is_one_message_naming_the_file()
    {
        using var temp = new TempDirectory();
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Fixture("tiny-xlm-roberta"), "model")))
        {
            File.Copy(file, temp.File(Path.GetFileName(file)));
        }

        var model = File.ReadAllBytes(temp.File("sentencepiece.bpe.model"));
        File.WriteAllBytes(temp.File("sentencepiece.bpe.model"), model[..1000]); // an interrupted download
        await File.WriteAllTextAsync(temp.File("in.csv"), "text\nhello\n");

        var result = await Bertft.RunAsync(temp.Path, null, "predict", "--model", temp.Path, "--input", "in.csv");

        Assert.True(result.ExitCode == 2, result.ToString());
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines, l => l.Contains("BFT206", StringComparison.Ordinal));
        Assert.Contains(temp.File("sentencepiece.bpe.model"), line);
        Assert.Contains("not a valid SentencePiece model", line);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    private static int CountRows(string path)
    {
        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        return csv.GetRecords<dynamic>().Count();
    }

    private static void WriteFortunes(string path, int rows)
    {
        using var reader = new StreamReader(RepoPaths.Data("fortunes", "fortunes.csv"));
        using var input = new CsvReader(reader, CultureInfo.InvariantCulture);
        using var writer = new StreamWriter(path);
        using var output = new CsvWriter(writer, CultureInfo.InvariantCulture);
        output.WriteField("quote");
        output.WriteField("topic");
        output.NextRecord();
        input.Read();
        input.ReadHeader();
        for (var i = 0; i < rows && input.Read(); i++)
        {
            output.WriteField(input.GetField("quote"));
            output.WriteField(input.GetField("topic"));
            output.NextRecord();
        }
    }

    private static string Config(string baseModel) => $$"""
        seed: 7
        base_model:
          model_id: {{baseModel}}
        dataset:
          - filepath: fortunes.csv
            text_column: quote
            label_column: topic
        preprocessing:
          default: {lowercase: false, remove_symbols: false, remove_numbers: false, remove_newlines: true}
          advanced: {remove_mentions: false, remove_retweets: false, remove_emojis: false}
        training:
          split_ratio: [0.8, 0.1, 0.1]
          output_dir: out
        hyperparameters:
          epochs: 1
          batch_size: 16
          learning_rate: 1.0e-3
          warmup_steps: 0
          max_length: 32
        loggings:
          logging_steps: 5
          eval_strategy: epoch
          save_strategy: epoch
          save_total_limit: 1
        """;
}
