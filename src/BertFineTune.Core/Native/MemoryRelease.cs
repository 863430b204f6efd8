using System.Runtime;

namespace BertFineTune.Native;

/// <summary>
/// Gives memory that nothing uses any more back to the operating system, at the few points where a lot of it has just
/// become garbage: after a model is imported or loaded, and at epoch ends (after evaluation and checkpoint writing).
/// </summary>
/// <remarks>
/// The managed heap keeps large-object segments committed after big byte and float arrays die (a model import makes
/// hundreds of MB of them), and glibc keeps freed arena pages. Neither is a leak, but both count as resident memory,
/// and the training that follows would stack its own peak on top. A compacting full collection (large-object heap
/// included, once) and <c>malloc_trim</c> cost tens of milliseconds, so this is only called between phases, never per step.
/// </remarks>
public static class MemoryRelease
{
    public static void Now()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GlibcAllocator.Trim();
    }
}
