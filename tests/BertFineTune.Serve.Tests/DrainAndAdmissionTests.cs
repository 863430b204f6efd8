using System.Text.Json;
using BertFineTune.Native;
using BertFineTune.Serve.Tests.Support;
using BertFineTune.Tests.Inference.Support;

namespace BertFineTune.Serve.Tests;

/// <summary>Shutdown answers what it took on and refuses the rest with 503; the work admitted at once is bounded.</summary>
public class DrainAndAdmissionTests
{
    public DrainAndAdmissionTests() => TorchNativeLoader.EnsureLoaded();

    [Fact]
    public async Task During_shutdown_new_requests_get_503_with_retry_after_while_the_request_in_progress_is_answered()
    {
        await using var server = await RunningServer.StartAsync();
        var texts = TinyClassifiers.Texts(3);
        using var held = new HeldBody(JsonSerializer.Serialize(new { texts }));
        var inProgress = server.Client.PostAsync("/v1/classify", held);
        await held.FirstHalfSent.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await WaitUntilAsync(() => server.Server.RequestsInProgress == 1);

        var stopping = server.Server.StopAsync();
        // A new connection (the pooled one is busy with the held request) and a health probe: both refused with 503.
        using var other = new HttpClient { BaseAddress = server.BaseAddress };
        using var refused = await other.PostAsync("/v1/classify", Http.Texts("arrived after the signal"));
        using var health = await other.GetAsync("/healthz");

        var detail = await Http.AssertProblemAsync(refused, 503);
        Assert.Contains("shutting down", detail, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        Assert.Equal(503, (int)health.StatusCode);
        Assert.False(stopping.IsCompleted, "shutdown did not wait for the request in progress");

        held.Release();
        using var answered = await inProgress.WaitAsync(TimeSpan.FromSeconds(60));
        await stopping.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(200, (int)answered.StatusCode);
        var results = (await Http.ReadJsonAsync(answered)).GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(texts.Select(t => server.Classifier.Predict(t).Label), results.Select(r => r.GetProperty("label").GetString()));
        await Assert.ThrowsAsync<HttpRequestException>(() => other.GetAsync("/healthz"));
    }

    [Fact]
    public async Task Requests_over_the_in_flight_budget_get_503_with_retry_after_and_pass_once_it_frees()
    {
        // A budget smaller than any body: the first request is let in (nothing else in progress), the next is not.
        await using var server = await RunningServer.StartAsync(new ServeOptions { MaxInFlightBytes = 16 });
        var texts = TinyClassifiers.Texts(2);
        using var held = new HeldBody(JsonSerializer.Serialize(new { texts }));
        var first = server.Client.PostAsync("/v1/classify", held);
        await held.FirstHalfSent.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await WaitUntilAsync(() => server.Server.RequestsInProgress == 1);

        using var other = new HttpClient { BaseAddress = server.BaseAddress };
        using var busy = await other.PostAsync("/v1/classify", Http.Texts("one more"));

        var detail = await Http.AssertProblemAsync(busy, 503);
        Assert.Contains("--max-inflight-mb", detail, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(1), busy.Headers.RetryAfter?.Delta);
        Assert.Equal(0, server.Server.Statistics.RequestsSubmitted);

        held.Release();
        using var firstAnswer = await first.WaitAsync(TimeSpan.FromSeconds(60));
        using var retried = await other.PostAsync("/v1/classify", Http.Texts("one more"));

        Assert.Equal(200, (int)firstAnswer.StatusCode);
        Assert.Equal(200, (int)retried.StatusCode);
        using var info = await other.GetAsync("/v1/model");
        Assert.Equal(16, (await Http.ReadJsonAsync(info)).GetProperty("limits").GetProperty("max_in_flight_bytes").GetInt64());
    }

    [Fact]
    public async Task Many_large_concurrent_requests_are_bounded_by_the_budget_and_each_gets_200_or_503()
    {
        // 24 requests of 64 texts × 2,000 characters (about 130 KB each) against a 256 KiB budget: at most a few are
        // worked on at once; the rest are told to come back, none fails.
        await using var server = await RunningServer.StartAsync(new ServeOptions { MaxInFlightBytes = 256 << 10, MaxChars = 2_000 });
        var text = string.Concat(Enumerable.Repeat("the match was great today ", 100))[..2_000];
        var body = JsonSerializer.Serialize(new { texts = Enumerable.Repeat(text, 64) });

        var statuses = await Task.WhenAll(Enumerable.Range(0, 24).Select(async i =>
        {
            using var client = new HttpClient { BaseAddress = server.BaseAddress };
            // Every other body is sent chunked, without a declared length: it is counted as the server reads it.
            using HttpContent content = i % 2 == 0 ? Http.Json(body) : System.Net.Http.Json.JsonContent.Create(JsonDocument.Parse(body).RootElement);
            using var response = await client.PostAsync("/v1/classify", content);
            return (int)response.StatusCode;
        }));

        Assert.All(statuses, s => Assert.True(s is 200 or 503, $"status {s}"));
        Assert.Contains(200, statuses);
        Assert.Equal(statuses.Count(s => s == 200), server.Server.Statistics.RequestsSubmitted);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the request never reached the server");
            await Task.Delay(10);
        }
    }
}
