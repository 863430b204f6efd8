using BertFineTune.Native;
using TorchSharp;

namespace BertFineTune.Tests.Native;

public class TorchRuntimeTests
{
    [Fact]
    public void A_tensor_operation_runs_after_the_loader()
    {
        var info = TorchRuntimeInfo.Probe();

        Assert.Equal(30f, info.SmokeResult);
        Assert.StartsWith("2.10", info.LibTorchVersion);
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new float[] { 1, 2, 3 });
        Assert.Equal(14f, (x * x).sum().item<float>());
    }

    [Fact]
    public void The_loaded_bridge_comes_from_the_torchsharp_package_folder_or_the_cache()
    {
        var load = TorchNativeLoader.EnsureLoaded();
        Assert.NotNull(load.BridgePath);
        if (load.Patched)
        {
            Assert.StartsWith(TorchNativeLoader.CacheRoot(), load.BridgePath);
        }
        else
        {
            Assert.StartsWith(load.NativeDirectory!, load.BridgePath);
        }
    }
}
