using System.Text.Json;
using BertFineTune.Native;
using BertFineTune.Serve.Tests.Support;
using BertFineTune.Tests.Inference.Support;

namespace BertFineTune.Serve.Tests;

public class ConcurrencyTests
{
    public ConcurrencyTests() => TorchNativeLoader.EnsureLoaded();

    [Fact]
    public async Task Fifty_concurrent_requests_are_all_answered_correctly_and_batched()
    {
        await using var server = await RunningServer.StartAsync(new ServeOptions { BatchWindow = TimeSpan.FromMilliseconds(50) });
        var texts = TinyClassifiers.Texts(50);

        var responses = await Task.WhenAll(texts.Select(async text =>
        {
            using var response = await server.Client.PostAsync("/v1/classify", Http.Texts(text));
            Assert.Equal(200, (int)response.StatusCode);
            return (await Http.ReadJsonAsync(response)).GetProperty("results").EnumerateArray().Single();
        }));

        for (var i = 0; i < texts.Length; i++)
        {
            var expected = server.Classifier.Predict(texts[i]);
            Assert.Equal(expected.Label, responses[i].GetProperty("label").GetString());
            Assert.Equal(expected.Score, responses[i].GetProperty("score").GetSingle(), 1e-5f);
        }

        var stats = server.Server.Statistics;
        Assert.Equal(50, stats.RequestsCompleted);
        Assert.Equal(50, stats.TextsProcessed);
        Assert.True(stats.MaxBatchRequests > 1, $"no two requests were batched together ({stats})");
        Assert.True(stats.BatchesRun < 50, stats.ToString());
    }

    [Fact]
    public async Task Graceful_shutdown_answers_every_request_in_flight()
    {
        // A long window holds the requests inside the server until shutdown begins; shutdown cuts the window short.
        await using var server = await RunningServer.StartAsync(new ServeOptions { BatchWindow = TimeSpan.FromSeconds(10) });
        var texts = TinyClassifiers.Texts(10);
        var inFlight = texts.Select(async text =>
        {
            using var response = await server.Client.PostAsync("/v1/classify", Http.Texts(text));
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }).ToArray();
        await WaitUntilAsync(() => server.Server.Statistics.RequestsSubmitted == texts.Length);
        Assert.Equal(0, server.Server.Statistics.BatchesRun);

        await server.Server.StopAsync();

        var answers = await Task.WhenAll(inFlight);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(200, answers[i].Item1);
            using var body = JsonDocument.Parse(answers[i].Item2);
            Assert.Equal(server.Classifier.Predict(texts[i]).Label, body.RootElement.GetProperty("results")[0].GetProperty("label").GetString());
        }

        Assert.Equal(texts.Length, server.Server.Statistics.RequestsCompleted);
        await Assert.ThrowsAsync<HttpRequestException>(() => server.Client.GetAsync("/healthz"));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The requests never reached the server.");
            await Task.Delay(10);
        }
    }
}
