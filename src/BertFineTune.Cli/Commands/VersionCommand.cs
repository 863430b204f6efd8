using BertFineTune.Cli.Infrastructure;
using BertFineTune.Native;

namespace BertFineTune.Cli.Commands;

/// <summary><c>bertft --version</c>: tool, TorchSharp and LibTorch versions, CUDA, and proof that a tensor operation runs.</summary>
public static class VersionCommand
{
    public static int Print()
    {
        var version = typeof(BertftApp).Assembly.GetName().Version?.ToString(3) ?? "unknown";
        Console.WriteLine($"bertft {version}");
        var info = TorchRuntimeInfo.Probe();
        Console.WriteLine($"TorchSharp {info.TorchSharpVersion}");
        Console.WriteLine($"LibTorch {info.LibTorchVersion}");
        Console.WriteLine($"CUDA {(info.CudaAvailable ? "available" : "not available")}");
        Console.WriteLine($"Threads {info.Threads}");
        Console.WriteLine($"Native check: matmul([1..4],[1..4]) = {info.SmokeResult}{(info.BridgePatched ? " (LibTorchSharp loaded from the weak-version copy; see README, Troubleshooting)" : string.Empty)}");
        return ExitCodes.Ok;
    }
}
