using System.Globalization;

namespace BertFineTune.Benchmarks.Inference;

/// <summary>
/// <c>loadtest [--url http://127.0.0.1:5080] [--concurrency 1,8,32] [--requests 400] [--seconds 20] [--texts 1] [--window-ms 5] [--max-batch 64]</c>.
/// Without <c>--url</c> a server is started in this process on a free loopback port, over <see cref="BenchModel"/>.
/// </summary>
public sealed record LoadTestOptions
{
    public Uri? Url { get; init; }

    public IReadOnlyList<int> Concurrency { get; init; } = [1, 8, 32];

    /// <summary>Requests per concurrency level (after a warm-up of 2 per client).</summary>
    public int Requests { get; init; } = 400;

    /// <summary>A level stops early after this long.</summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromSeconds(20);

    public int TextsPerRequest { get; init; } = 1;

    /// <summary>In-process server only: the batch window and max batch.</summary>
    public TimeSpan BatchWindow { get; init; } = TimeSpan.FromMilliseconds(5);

    public int MaxBatch { get; init; } = 64;

    public static LoadTestOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LoadTestOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--url" => options with { Url = LoopbackOnly(new Uri(value)) },
                "--concurrency" => options with { Concurrency = [.. value.Split(',').Select(Int)] },
                "--requests" => options with { Requests = Int(value) },
                "--seconds" => options with { MaxDuration = TimeSpan.FromSeconds(Int(value)) },
                "--texts" => options with { TextsPerRequest = Int(value) },
                "--window-ms" => options with { BatchWindow = TimeSpan.FromMilliseconds(Int(value)) },
                "--max-batch" => options with { MaxBatch = Int(value) },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
            i++;
        }

        return options;
    }

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    // A load generator must not be pointed at other people's servers.
    private static Uri LoopbackOnly(Uri url) => url.IsLoopback ? url : throw new ArgumentException($"{url} is not a loopback address; the load test only targets this machine.");
}
