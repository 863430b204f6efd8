namespace BertFineTune.Config;

/// <summary>What the loader reads from the machine; tests replace both.</summary>
public sealed record ConfigLoaderOptions
{
    /// <summary>Environment variables for <c>${VAR}</c> and the credential fallbacks.</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>Whether a CUDA device is usable, asked only when <c>fp16: true</c>.</summary>
    public Func<bool> CudaAvailable { get; init; } = DetectCuda;

    private static bool DetectCuda()
    {
        Native.TorchNativeLoader.EnsureLoaded();
        return TorchSharp.torch.cuda.is_available();
    }
}
