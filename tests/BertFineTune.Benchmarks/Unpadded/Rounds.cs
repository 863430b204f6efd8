using BertFineTune.Native;

namespace BertFineTune.Benchmarks.Unpadded;

/// <summary>The start every interleaved measurement shares: LibTorch loaded, and the number of timed rounds from its first argument.</summary>
internal static class Rounds
{
    public static int Start(string[] args, int fallback = 5)
    {
        TorchNativeLoader.EnsureLoaded();
        return args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary><see cref="Start"/>, then LibTorch's intra-op threads and the first <paramref name="batchCount"/> fortunes batches of 16.</summary>
    public static async Task<(int Rounds, List<int[]> Batches)> StartOnFortunesAsync(string[] args, int threads, int batchCount)
    {
        var rounds = Start(args);
        TorchSharp.torch.set_num_threads(threads);
        return (rounds, (await FortunesLengths.BatchesAsync()).Take(batchCount).ToList());
    }
}
