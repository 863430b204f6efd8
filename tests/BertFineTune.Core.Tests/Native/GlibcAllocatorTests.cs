using BertFineTune.Native;
using BertFineTune.Tests.Training;
using BertFineTune.Training.Benchmarking;
using TorchSharp;
using Xunit.Abstractions;

namespace BertFineTune.Tests.Native;

/// <summary>In the memory collection (runs alone), so other tests' allocations do not show in this process's RSS.</summary>
[Collection(nameof(MemoryTests))]
public class GlibcAllocatorTests(ITestOutputHelper output)
{
    [Fact]
    public void Freed_activation_sized_tensors_go_back_to_the_kernel_even_when_small_tensors_outlive_them()
    {
        TorchNativeLoader.EnsureLoaded();
        if (!GlibcAllocator.IsAvailable)
        {
            return; // Not glibc: nothing was tuned, and RSS behaves as that allocator decides.
        }

        MemoryRelease.Now();
        var kept = new List<torch.Tensor>();
        var random = new Random(7);

        // What a training step does: MB-sized activations of a new length every batch, freed after backward, while
        // small tensors made in between (autograd bookkeeping, logits, the next batch) stay. Under glibc's dynamic
        // threshold the big ones move into the arena after the first free, and the small survivors pin the holes.
        // The first steps reuse free chunks that earlier tests in this process left in the arenas (malloc_trim gave
        // their pages back; reusing them brings the pages back), so the baseline is taken after them: what is measured
        // is growth in the steady state, as across a training run's steps.
        var before = 0.0;
        for (var step = 0; step < 20; step++)
        {
            if (step == 2)
            {
                before = ResidentMemory.CurrentMegabytes();
            }

            using (torch.NewDisposeScope())
            {
                for (var i = 0; i < 30; i++)
                {
                    torch.empty(random.Next(256 * 1024, 3 * 1024 * 1024)).fill_(1.0f); // 1–12 MB
                    kept.Add(torch.empty(4096).fill_(1.0f).DetachFromDisposeScope()); // 16 KB
                }
            }
        }

        var after = ResidentMemory.CurrentMegabytes();
        output.WriteLine($"RSS before {before:F0} MB, after 600 freed tensors (~3.9 GB allocated in all) {after:F0} MB");
        foreach (var t in kept)
        {
            t.Dispose();
        }

        Assert.True(after - before < 100, $"RSS grew {after - before:F0} MB although only ~10 MB of tensors are alive");
        Assert.False(GlibcAllocator.ConfigureForTensors()); // once per process: the loader already did it
    }
}
