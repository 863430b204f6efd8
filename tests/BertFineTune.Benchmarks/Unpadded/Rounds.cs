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
}
