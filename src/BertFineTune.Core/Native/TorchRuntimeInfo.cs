using TorchSharp;

namespace BertFineTune.Native;

/// <summary>Versions and capabilities of the loaded Torch runtime, as <c>bertft --version</c> prints them.</summary>
public sealed record TorchRuntimeInfo(string TorchSharpVersion, string LibTorchVersion, bool CudaAvailable, int Threads, bool BridgePatched, float SmokeResult)
{
    /// <summary>Loads the natives, runs one tensor operation to prove they work, and reports.</summary>
    public static TorchRuntimeInfo Probe()
    {
        var load = TorchNativeLoader.EnsureLoaded();
        float smoke;
        using (torch.NewDisposeScope())
        {
            // (1..4)·(1..4) = 30: a real matmul through LibTorch, not a version string.
            var v = torch.arange(1, 5, dtype: torch.float32);
            smoke = torch.matmul(v, v).item<float>();
        }

        var torchSharp = typeof(torch).Assembly.GetName().Version?.ToString(3) ?? "unknown";
        return new TorchRuntimeInfo(torchSharp, torch.__version__, torch.cuda.is_available(), torch.get_num_threads(), load.Patched, smoke);
    }
}
