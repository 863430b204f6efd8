using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using BertFineTune.Inference;
using BertFineTune.Serve;
using Microsoft.Extensions.Logging;

namespace BertFineTune.Benchmarks.Inference;

/// <summary>
/// A closed-loop load client for <c>bertft serve</c> on loopback: at each concurrency level, that many clients send
/// <c>POST /v1/classify</c> back to back; it reports requests/s and p50/p99 latency. Bounded by request count and time.
/// Run: <c>dotnet run -c Release --project tests/BertFineTune.Benchmarks -- loadtest [options]</c> (see <see cref="LoadTestOptions"/>).
/// </summary>
public static class LoadTest
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var options = LoadTestOptions.Parse(args);
        var sentences = BenchModel.Sentences(256);
        TextClassifier? classifier = null;
        ClassifierServer? server = null;
        var url = options.Url;
        if (url is null)
        {
            classifier = BenchModel.Load(new TextClassifierOptions { BatchSize = options.MaxBatch });
            server = await ClassifierServer.StartAsync(
                classifier,
                new ServeOptions { Urls = ["http://127.0.0.1:0"], BatchWindow = options.BatchWindow, MaxBatch = options.MaxBatch },
                logging => logging.SetMinimumLevel(LogLevel.Warning));
            url = new Uri(server.Addresses.Single());
        }

        try
        {
            using var client = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
            if (ApiKeyFromEnvironment() is { } key)
            {
                client.DefaultRequestHeaders.Add("X-API-Key", key);
            }

            Console.WriteLine($"Load test of {url} ({(server is null ? "external server" : "in-process server, model " + BenchModel.Description)}), {options.TextsPerRequest} text(s) per request, {Environment.ProcessorCount} cores");
            Console.WriteLine("| clients | requests | errors | requests/s | texts/s | p50 ms | p99 ms | batches | max batch |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var clients in options.Concurrency)
            {
                // Warm-up: open every client's connection and let the server settle; not counted.
                await Task.WhenAll(Enumerable.Range(0, clients).Select(c => SendAsync(client, sentences, c, options.TextsPerRequest)));
                var before = server?.Statistics;
                var level = await RunLevelAsync(client, sentences, clients, options);
                var after = server?.Statistics;
                var batches = after is null ? "-" : (after.BatchesRun - before!.BatchesRun).ToString(CultureInfo.InvariantCulture);
                // The largest batch so far (the counter is not per level; levels run in increasing concurrency).
                var maxBatch = after is null ? "-" : after.MaxBatchTexts.ToString(CultureInfo.InvariantCulture);
                Console.WriteLine(FormattableString.Invariant(
                    $"| {clients} | {level.Completed} | {level.Errors} | {level.Completed / level.Elapsed.TotalSeconds:N1} | {level.Completed * options.TextsPerRequest / level.Elapsed.TotalSeconds:N1} | {Percentile(level.Latencies, 0.50):N2} | {Percentile(level.Latencies, 0.99):N2} | {batches} | {maxBatch} |"));
            }
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }

            classifier?.Dispose();
        }

        return 0;
    }

    private static async Task<LevelResult> RunLevelAsync(HttpClient client, string[] sentences, int clients, LoadTestOptions options)
    {
        var latencies = new List<double>[clients];
        var errors = 0;
        var issued = 0;
        using var stop = new CancellationTokenSource(options.MaxDuration);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            latencies[c] = [];
            while (!stop.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref issued);
                if (n > options.Requests)
                {
                    return;
                }

                var sent = Stopwatch.GetTimestamp();
                if (await SendAsync(client, sentences, n, options.TextsPerRequest))
                {
                    latencies[c].Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                }
                else
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        var elapsed = Stopwatch.GetElapsedTime(started);
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new LevelResult(all.Length, errors, elapsed, all);
    }

    private static async Task<bool> SendAsync(HttpClient client, string[] sentences, int n, int texts)
    {
        var batch = Enumerable.Range(0, texts).Select(i => sentences[(n + i) % sentences.Length]).ToArray();
        try
        {
            using var response = await client.PostAsJsonAsync("/v1/classify", new { texts = batch });
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static string? ApiKeyFromEnvironment() => Environment.GetEnvironmentVariable(ApiKey.EnvironmentVariable) is { Length: > 0 } key ? key : null;

    private sealed record LevelResult(int Completed, int Errors, TimeSpan Elapsed, double[] Latencies);
}
