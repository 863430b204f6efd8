using BertFineTune.Config;
using BertFineTune.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Training;

/// <summary><c>device: auto|cpu|cuda</c>: CUDA only when TorchSharp's CUDA backend reports a device.</summary>
public static class DeviceResolver
{
    public static Device Resolve(DeviceKind requested)
    {
        var cudaAvailable = torch.cuda.is_available();
        return requested switch
        {
            DeviceKind.Cpu => torch.CPU,
            DeviceKind.Auto => cudaAvailable ? torch.CUDA : torch.CPU,
            DeviceKind.Cuda when cudaAvailable => torch.CUDA,
            DeviceKind.Cuda => throw new UserErrorException(
                "BFT307",
                "device: cuda was requested, but no CUDA device is available to TorchSharp (this build uses the CPU backend, or no GPU/driver is present). Use device: auto or cpu.",
                key: "training.device"),
            _ => throw new ArgumentOutOfRangeException(nameof(requested), requested, null),
        };
    }

    /// <summary>Physical cores (distinct core ids per socket from /proc/cpuinfo), else the logical processor count.</summary>
    public static int PhysicalCores()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                var cores = new HashSet<(string, string)>();
                string physical = "0";
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                {
                    var parts = line.Split(':', 2);
                    if (parts.Length != 2)
                    {
                        continue;
                    }

                    var key = parts[0].Trim();
                    if (key == "physical id")
                    {
                        physical = parts[1].Trim();
                    }
                    else if (key == "core id")
                    {
                        cores.Add((physical, parts[1].Trim()));
                    }
                }

                if (cores.Count > 0)
                {
                    return Math.Min(cores.Count, Environment.ProcessorCount);
                }
            }
        }
        catch (IOException)
        {
            // Fall through to the logical count.
        }

        return Environment.ProcessorCount;
    }
}
