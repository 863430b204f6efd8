using System.Globalization;
using BertFineTune.Native;
using BertFineTune.Tests.Processes;
using BertFineTune.Training.Benchmarking;
using TorchSharp;
using Xunit.Abstractions;

namespace BertFineTune.Tests.Native;

/// <summary>
/// glibc's fixed mmap threshold, measured in a fresh process (<see cref="FreshProcess"/>): in the shared test host the
/// arenas hold free chunks other tests left (over 1.5 GB of them in a full run), and a tensor is served from those
/// before any new mapping, so the host's RSS follows its history, not the settings.
/// </summary>
public class GlibcAllocatorTests(ITestOutputHelper output)
{
    /// <summary>The scenario's name for <see cref="FreshProcess"/>.</summary>
    public const string SteadyStateScenario = "glibc-steady-state";

    [Fact]
    public void Freed_activation_sized_tensors_go_back_to_the_kernel_even_when_small_tensors_outlive_them()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // Not glibc: nothing was tuned, and RSS behaves as that allocator decides.
        }

        var growth = Growth(null);
        Assert.True(growth < 100, $"RSS grew {growth:F0} MB although only ~10 MB of tensors are alive");

        // The control: the same scenario with our settings off (a user's GLIBC_TUNABLES keeps glibc's dynamic threshold)
        // must grow, or this test could not fail.
        var dynamic = Growth(new Dictionary<string, string> { ["GLIBC_TUNABLES"] = "glibc.malloc.check=0" });
        Assert.True(dynamic > 150, $"without the fixed threshold RSS grew only {dynamic:F0} MB: the scenario no longer shows the problem");
    }

    /// <summary>
    /// What a training step does: MB-sized activations of a new length every batch, freed after backward, while small
    /// tensors made in between (autograd bookkeeping, logits, the next batch) stay. Under glibc's dynamic threshold the
    /// big ones move into the arena after the first free, and the small survivors pin the holes. Prints the RSS growth
    /// in MB from step 2 to the end (the first steps set up the arenas).
    /// </summary>
    internal static int RunSteadyState(TextWriter writer)
    {
        TorchNativeLoader.EnsureLoaded();
        // The loader configured the allocator already (unless the control run's GLIBC_TUNABLES asked it not to).
        if (Environment.GetEnvironmentVariable("GLIBC_TUNABLES") is null && GlibcAllocator.ConfigureForTensors())
        {
            writer.WriteLine("the loader did not configure the allocator");
            return 1;
        }

        var kept = new List<torch.Tensor>();
        var random = new Random(7);
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
                    torch.empty(random.Next(1024 * 1024, 4 * 1024 * 1024)).fill_(1.0f); // 4–16 MB: at or above the fixed threshold
                    kept.Add(torch.empty(4096).fill_(1.0f).DetachFromDisposeScope()); // 16 KB
                }
            }
        }

        var growth = ResidentMemory.CurrentMegabytes() - before;
        foreach (var t in kept)
        {
            t.Dispose();
        }

        writer.WriteLine(growth.ToString("F1", CultureInfo.InvariantCulture));
        return 0;
    }

    private double Growth(Dictionary<string, string>? environment)
    {
        var (exitCode, text) = FreshProcess.Run(SteadyStateScenario, environment);
        output.WriteLine($"{(environment is null ? "our settings" : "glibc's dynamic threshold")}: {text.Trim()} MB of RSS growth over 18 steps of 30 freed 4–16 MB tensors");
        Assert.True(exitCode == 0, text);
        return double.Parse(text.Trim().Split('\n')[^1], CultureInfo.InvariantCulture);
    }
}
