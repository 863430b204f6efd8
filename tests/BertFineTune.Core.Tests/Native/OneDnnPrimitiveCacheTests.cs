using BertFineTune.Native;
using BertFineTune.Tests.Training;
using BertFineTune.Training.Benchmarking;
using TorchSharp;
using Xunit.Abstractions;

namespace BertFineTune.Tests.Native;

/// <summary>In the memory collection (runs alone), so other tests' allocations do not show in this process's RSS.</summary>
[Collection(nameof(MemoryTests))]
public class OneDnnPrimitiveCacheTests(ITestOutputHelper output)
{
    [Fact]
    public void Bf16_matmuls_of_ever_new_shapes_stop_growing_memory_once_the_capped_cache_is_full()
    {
        TorchNativeLoader.EnsureLoaded();
        if (Environment.GetEnvironmentVariable("ONEDNN_PRIMITIVE_CACHE_CAPACITY") is not null || !OperatingSystem.IsLinux())
        {
            return; // The user's choice (or another platform): nothing was set.
        }

        Assert.Equal(OneDnnPrimitiveCache.Capacity.ToString(System.Globalization.CultureInfo.InvariantCulture), OneDnnPrimitiveCache.NativeValue());

        // What unpadded bf16 training does: a Linear forward and backward on a new token count every step; each shape
        // compiles and caches three oneDNN kernels. 1,000 shapes make 3,000 kernels, over twenty times the cap of 128.
        using var weight = torch.randn(1536, 384).to(torch.bfloat16).requires_grad_();
        long Step(long rows)
        {
            using var scope = torch.NewDisposeScope();
            var x = torch.randn(rows, 384).to(torch.bfloat16).requires_grad_();
            torch.nn.functional.linear(x, weight).sum().backward();
            weight.grad!.zero_();
            return rows;
        }

        for (var rows = 1; rows <= 200; rows++)
        {
            Step(rows);
        }

        MemoryRelease.Now();
        var before = ResidentMemory.CurrentMegabytes();
        for (var rows = 201; rows <= 1200; rows++)
        {
            Step(rows);
        }

        MemoryRelease.Now();
        var after = ResidentMemory.CurrentMegabytes();
        output.WriteLine($"RSS after 200 shapes {before:F0} MB, after 1,200 shapes {after:F0} MB");
        Assert.True(after - before < 150, $"RSS grew {after - before:F0} MB over 1,000 new matmul shapes with the cache capped at {OneDnnPrimitiveCache.Capacity} kernels");
    }
}
