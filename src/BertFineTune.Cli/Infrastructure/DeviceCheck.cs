using BertFineTune.Diagnostics;
using BertFineTune.Native;
using TorchSharp;

namespace BertFineTune.Cli.Infrastructure;

/// <summary>
/// Checks <c>--device</c> before a model loads: on a machine without CUDA, TorchSharp's <c>torch.device("cuda")</c>
/// throws an InvalidOperationException with a native trace, so the CLI asks <c>torch.cuda.is_available()</c> first and
/// answers with the same BFT406 the classifier gives.
/// </summary>
public static class DeviceCheck
{
    public static void EnsureAvailable(string device)
    {
        if (!device.Trim().StartsWith("cuda", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        TorchNativeLoader.EnsureLoaded();
        if (!torch.cuda.is_available())
        {
            throw new UserErrorException("BFT406", $"Device '{device}' was asked for, but CUDA is not available in this build or on this machine. Use --device cpu.", key: "--device");
        }
    }
}
