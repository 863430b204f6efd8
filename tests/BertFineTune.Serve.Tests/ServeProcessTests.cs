using System.Net.Http.Json;
using System.Text.Json;
using BertFineTune.Export.Onnx;
using BertFineTune.Inference;
using BertFineTune.Native;
using BertFineTune.Serve.Tests.Support;
using BertFineTune.Tests.Support;

namespace BertFineTune.Serve.Tests;

/// <summary><c>bertft serve</c> as a user runs it: a real process on loopback serving a fixture model folder.</summary>
public class ServeProcessTests
{
    [Theory]
    [InlineData("tiny-bert")]
    [InlineData("tiny-electra")]
    [InlineData("tiny-xlm-roberta")]
    [InlineData("tiny-deberta-v3")]
    public async Task Serves_a_model_folder_and_stops_gracefully_on_sigterm(string fixture)
    {
        var model = Path.Combine(RepoPaths.Fixture(fixture), "model");
        using var server = ServeProcess.Start(model);
        using var client = new HttpClient { BaseAddress = await server.AddressAsync() };
        string[] texts = ["Hello World! This is a TEST of the Tokenizer.", "Visit https://example.com/path?q=1&lang=en for details."];
        using var response = await client.PostAsJsonAsync("/v1/classify", new { texts });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        using var classifier = TextClassifier.Load(model, new TextClassifierOptions());
        var expected = classifier.PredictBatch(texts);
        AssertSameResults(expected, body);

        using var info = JsonDocument.Parse(await client.GetStringAsync("/v1/model"));
        Assert.Equal(["neg", "neu", "pos"], info.RootElement.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));

        server.Terminate();
        await server.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(server.ExitCode == 0, server.ToString());
    }

    [Fact]
    public async Task Serves_an_int8_onnx_export_with_micro_batches_split_into_sorted_runs()
    {
        TorchNativeLoader.EnsureLoaded();
        using var temp = new TempDirectory();
        var folder = temp.File("onnx-int8");
        await OnnxExporter.ExportAsync(Path.Combine(RepoPaths.Fixture("tiny-bert"), "model"), folder, new OnnxExportOptions { Quantize = OnnxQuantization.Int8 }, null, CancellationToken.None);
        using var server = ServeProcess.Start(folder);
        using var client = new HttpClient { BaseAddress = await server.AddressAsync() };

        // 40 texts of different lengths in one request: more than one model run of 16, sorted by length, answered in order.
        var texts = Enumerable.Range(1, 40).Select(i => string.Join(' ', Enumerable.Repeat($"word{i}", i % 13 + 1))).ToArray();
        using var response = await client.PostAsJsonAsync("/v1/classify", new { texts });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        // int8 quantizes each run's activations with one scale, so a text's score depends on its batch-mates: the same
        // scores prove the same runs (one run of all 40 differs by up to ~0.007 here).
        using var classifier = OnnxTextClassifier.Load(folder, new OnnxClassifierOptions { BatchSize = OnnxClassifierOptions.DefaultBatchSize });
        var expected = classifier.PredictBatch(texts);
        AssertSameResults(expected, body);

        server.Terminate();
        await server.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(server.ExitCode == 0, server.ToString());
    }

    [Fact]
    public async Task Sigterm_under_load_answers_requests_in_progress_and_503_to_new_ones_then_exits_0()
    {
        var model = Path.Combine(RepoPaths.Fixture("tiny-bert"), "model");
        using var server = ServeProcess.Start(model);
        var baseAddress = await server.AddressAsync();

        // Load: 20 staggered requests, each on its own connection, all answered before the signal.
        var before = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            await Task.Delay(i * 10);
            using var client = new HttpClient { BaseAddress = baseAddress };
            using var response = await client.PostAsJsonAsync("/v1/classify", new { texts = new[] { $"request {i} before the signal" } });
            return (int)response.StatusCode;
        }));
        Assert.All(before, status => Assert.Equal(200, status));

        // One request in progress when SIGTERM arrives: its body is held half-sent, so the server is mid-request.
        using var heldClient = new HttpClient { BaseAddress = baseAddress };
        string[] texts = ["Hello World! This is a TEST of the Tokenizer.", "held across the signal"];
        using var held = new HeldBody(JsonSerializer.Serialize(new { texts }));
        var inProgress = heldClient.PostAsync("/v1/classify", held);
        await held.FirstHalfSent.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(2)); // lets the server read the headers and start on the request

        server.Terminate();

        // Staggered requests after the signal, on new connections: each is refused with a 503 and Retry-After.
        await Task.Delay(500);
        var after = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            await Task.Delay(i * 20);
            using var client = new HttpClient { BaseAddress = baseAddress };
            using var response = await client.PostAsJsonAsync("/v1/classify", new { texts = new[] { $"request {i} after the signal" } });
            return ((int)response.StatusCode, response.Headers.RetryAfter?.Delta);
        }));
        Assert.All(after, answer => Assert.Equal((503, (TimeSpan?)TimeSpan.FromSeconds(1)), answer));
        Assert.False(server.HasExited, "the server exited while a request was in progress");

        held.Release();
        using var answered = await inProgress.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(200, (int)answered.StatusCode);
        using var body = JsonDocument.Parse(await answered.Content.ReadAsStringAsync());
        Assert.Equal(texts.Length, body.RootElement.GetProperty("results").GetArrayLength());

        await server.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(server.ExitCode == 0, server.ToString());
        Assert.DoesNotContain(server.Output, line => line.Contains("   at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_port_in_use_prints_the_bft411_line_only()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var taken = $"http://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}";
        var model = Path.Combine(RepoPaths.Fixture("tiny-bert"), "model");

        var result = await Cli.Tests.Support.Bertft.RunAsync(null, null, "serve", "--model", model, "--urls", taken);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith($"bertft: error BFT411: --urls: Cannot listen on {taken}: ", result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.True(result.Stdout.Trim().Length == 0, result.ToString());
    }

    [Fact]
    public async Task Cuda_without_cuda_is_one_user_error_line()
    {
        TorchNativeLoader.EnsureLoaded();
        if (TorchSharp.torch.cuda.is_available())
        {
            return; // A CUDA machine would serve; this test is about machines without one.
        }

        var model = Path.Combine(RepoPaths.Fixture("tiny-bert"), "model");
        var result = await Cli.Tests.Support.Bertft.RunAsync(null, null, "serve", "--model", model, "--device", "cuda", "--urls", "http://127.0.0.1:0");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("bertft: error BFT406: --device: Device 'cuda' was asked for, but CUDA is not available in this build or on this machine. Use --device cpu.", result.Stderr.Trim());
    }

    /// <summary>The served <c>results</c> carry the direct classifier's labels and scores, in request order.</summary>
    private static void AssertSameResults(IReadOnlyList<TextPrediction> expected, JsonDocument body)
    {
        var results = body.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(expected.Count, results.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Label, results[i].GetProperty("label").GetString());
            Assert.Equal(expected[i].Score, results[i].GetProperty("score").GetSingle(), 1e-5f);
        }
    }
}
