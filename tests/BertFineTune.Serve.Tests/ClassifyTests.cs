using System.Text.Json;
using BertFineTune.Native;
using BertFineTune.Serve.Tests.Support;
using BertFineTune.Tests.Inference.Support;

namespace BertFineTune.Serve.Tests;

public class ClassifyTests
{
    public ClassifyTests() => TorchNativeLoader.EnsureLoaded();

    [Fact]
    public async Task Classify_answers_each_text_with_the_classifiers_label_score_and_probabilities()
    {
        await using var server = await RunningServer.StartAsync();
        var texts = TinyClassifiers.Texts(5);

        using var response = await server.Client.PostAsync("/v1/classify", Http.Texts(texts));

        Assert.Equal(200, (int)response.StatusCode);
        var results = (await Http.ReadJsonAsync(response)).GetProperty("results");
        Assert.Equal(texts.Length, results.GetArrayLength());
        for (var i = 0; i < texts.Length; i++)
        {
            var expected = server.Classifier.Predict(texts[i]);
            var result = results[i];
            Assert.Equal(expected.Label, result.GetProperty("label").GetString());
            Assert.Equal(expected.Score, result.GetProperty("score").GetSingle(), 1e-5f);
            Assert.Equal([expected.Label], result.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
            var probabilities = result.GetProperty("probabilities");
            for (var j = 0; j < server.Classifier.Labels.Count; j++)
            {
                Assert.Equal(expected.Probabilities[j], probabilities.GetProperty(server.Classifier.Labels[j]).GetSingle(), 1e-5f);
            }
        }
    }

    [Fact]
    public async Task A_multi_label_model_answers_every_label_over_the_threshold()
    {
        await using var server = await RunningServer.StartAsync(multiLabel: true);
        var texts = TinyClassifiers.Texts(8);

        using var response = await server.Client.PostAsync("/v1/classify", Http.Texts(texts));

        var results = (await Http.ReadJsonAsync(response)).GetProperty("results");
        for (var i = 0; i < texts.Length; i++)
        {
            var expected = server.Classifier.Predict(texts[i]);
            Assert.Equal(expected.PredictedLabels, results[i].GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        }
    }

    [Fact]
    public async Task Model_info_gives_labels_max_length_architecture_and_source()
    {
        await using var server = await RunningServer.StartAsync(new ServeOptions { MaxTexts = 7, MaxChars = 99 });

        using var response = await server.Client.GetAsync("/v1/model");

        Assert.Equal(200, (int)response.StatusCode);
        var info = await Http.ReadJsonAsync(response);
        Assert.Equal(TinyClassifiers.SentimentLabels, info.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(64, info.GetProperty("max_length").GetInt32());
        Assert.Equal("TinyForSequenceClassification", info.GetProperty("architecture").GetString());
        Assert.Equal("tiny", info.GetProperty("model_type").GetString());
        Assert.Equal("single_label_classification", info.GetProperty("problem_type").GetString());
        Assert.Equal("tiny test model", info.GetProperty("source").GetString());
        Assert.Equal(7, info.GetProperty("limits").GetProperty("max_texts").GetInt32());
        Assert.Equal(99, info.GetProperty("limits").GetProperty("max_chars").GetInt32());
    }

    [Fact]
    public async Task Health_check_and_openapi_document_are_served()
    {
        await using var server = await RunningServer.StartAsync();

        using var health = await server.Client.GetAsync("/healthz");
        using var openApi = await server.Client.GetAsync("/openapi/v1.json");

        Assert.Equal(200, (int)health.StatusCode);
        Assert.Equal("ok", (await Http.ReadJsonAsync(health)).GetProperty("status").GetString());
        Assert.Equal(200, (int)openApi.StatusCode);
        var document = await Http.ReadJsonAsync(openApi);
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/v1/classify", out var classify));
        Assert.True(classify.TryGetProperty("post", out _));
        Assert.True(paths.TryGetProperty("/v1/model", out _));
        Assert.True(paths.TryGetProperty("/healthz", out _));
        Assert.Contains("\"texts\"", JsonSerializer.Serialize(document.GetProperty("components")));
        Assert.Equal("bertft serve", document.GetProperty("info").GetProperty("title").GetString());
    }

    [Fact]
    public async Task Request_logs_give_sizes_but_never_the_texts()
    {
        await using var server = await RunningServer.StartAsync();

        using var response = await server.Client.PostAsync("/v1/classify", Http.Texts("zebra sentinel words", "x"));

        Assert.Equal(200, (int)response.StatusCode);
        await server.Server.StopAsync();
        var lines = server.Logs.Lines;
        Assert.Contains(lines, l => l.Contains("POST /v1/classify 200", StringComparison.Ordinal) && l.Contains("texts=2 chars=21", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Batch of 2 texts from 1 requests", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("zebra", StringComparison.OrdinalIgnoreCase));
    }
}
