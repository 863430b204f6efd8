using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using BertFineTune.Inference;
using BertFineTune.Tests.Support;

namespace BertFineTune.Serve.Tests;

/// <summary><c>bertft serve</c> as a user runs it: a real process on loopback serving a fixture model folder.</summary>
public partial class ServeProcessTests
{
    [Theory]
    [InlineData("tiny-bert")]
    [InlineData("tiny-electra")]
    [InlineData("tiny-xlm-roberta")]
    [InlineData("tiny-deberta-v3")]
    public async Task Serves_a_model_folder_and_stops_gracefully_on_sigterm(string fixture)
    {
        var model = Path.Combine(RepoPaths.Fixture(fixture), "model");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "bertft.dll"), "serve", "--model", model, "--urls", "http://127.0.0.1:0" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var address = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            output.Enqueue(line);
            if (ServingOn().Match(line) is { Success: true } match)
            {
                address.TrySetResult(match.Groups[1].Value);
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var baseAddress = await address.Task.WaitAsync(TimeSpan.FromMinutes(2));
            using var client = new HttpClient { BaseAddress = new Uri(baseAddress) };
            string[] texts = ["Hello World! This is a TEST of the Tokenizer.", "Visit https://example.com/path?q=1&lang=en for details."];
            using var response = await client.PostAsJsonAsync("/v1/classify", new { texts });
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

            using var classifier = TextClassifier.Load(model, new TextClassifierOptions());
            var expected = classifier.PredictBatch(texts);
            var results = body.RootElement.GetProperty("results").EnumerateArray().ToList();
            Assert.Equal(texts.Length, results.Count);
            for (var i = 0; i < texts.Length; i++)
            {
                Assert.Equal(expected[i].Label, results[i].GetProperty("label").GetString());
                Assert.Equal(expected[i].Score, results[i].GetProperty("score").GetSingle(), 1e-5f);
            }

            using var info = JsonDocument.Parse(await client.GetStringAsync("/v1/model"));
            Assert.Equal(["neg", "neu", "pos"], info.RootElement.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));

            using (Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, string.Join('\n', output));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [GeneratedRegex(@"on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ServingOn();
}
