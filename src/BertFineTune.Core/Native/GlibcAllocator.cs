using System.Runtime.InteropServices;

namespace BertFineTune.Native;

/// <summary>
/// Tunes glibc's malloc, which LibTorch's CPU allocator sits on, so that training memory stays at what tensors use.
/// </summary>
/// <remarks>
/// glibc serves a request above the mmap threshold (128 KB) with its own mapping, returned to the kernel on free, but
/// each such free raises the threshold to the freed size (up to 32 MB). After the first training step every activation
/// and gradient (MBs each, a different size every batch under dynamic padding) therefore lands in the training thread's
/// malloc arena, whose freed holes are neither reused well nor returned: a MiniLM run kept 15 arena heaps of 64 MB
/// resident, about 900 MB, on top of ~850 MB of live weights, gradients and AdamW moments. A fixed threshold turns the
/// dynamic rule off: tensors of <see cref="MmapThresholdBytes"/> or more get their own mapping and give it back when
/// freed, so resident memory follows live tensors. Smaller allocations stay in the arenas, as before.
/// The threshold is 4 MB, not lower: every fresh mapping costs a page fault per 4 KB page, and at 1 MB the
/// MB-sized activations of a long-text batch (16 × 128 tokens: 1.5–3 MB each) paid that every step, about half of the
/// step in system time (bf16, SpamAssassin, MiniLM: median step 703–770 ms at 1 MB, 440–454 ms at 2, 4, 8, 16 or 32
/// MB). The cost is what the arenas keep: with oneDNN's kernel cache at 512, a bf16 fortunes run peaked at 1.42 GB at
/// 1 MB, 1.68 GB at 4 MB and 1.74 GB at 32 MB; with the cache at 128 (<see cref="OneDnnPrimitiveCache"/>) the 4 MB run
/// peaks at 1.41 GB and trains 20 % faster than the 1 MB one (63.0 against 52.7 samples/s).
/// The arenas then grow and shrink by a few pages at a time, every step: a top pad of <see cref="TopPadBytes"/> makes
/// each grow take that much more and each trim keep it, which cut a MiniLM step's minor page faults by ~3x and its
/// system time by half (fp32 unpadded 33.0 → 35.7 samples/s on fortunes) for ~60 MB more resident memory.
/// Users who set <c>MALLOC_MMAP_THRESHOLD_</c>, <c>MALLOC_TOP_PAD_</c> or <c>GLIBC_TUNABLES</c> themselves keep their choice.
/// </remarks>
public static class GlibcAllocator
{
    /// <summary>Allocations of this size or more are mapped on their own and unmapped when freed.</summary>
    public const int MmapThresholdBytes = 4 << 20;

    /// <summary>Extra memory an arena takes when it grows and keeps when it is trimmed.</summary>
    public const int TopPadBytes = 64 << 20;

    private const int MTopPad = -2;
    private const int MMmapThreshold = -3;
    private static int _configured;

    /// <summary>Whether this process runs on glibc (musl and other platforms have neither mallopt nor malloc_trim).</summary>
    public static bool IsAvailable { get; } = OperatingSystem.IsLinux() && Probe();

    /// <summary>Sets the fixed mmap threshold and the top pad once per process; false where glibc is absent or the user chose their own.</summary>
    public static bool ConfigureForTensors()
    {
        if (!IsAvailable || Interlocked.Exchange(ref _configured, 1) == 1)
        {
            return false;
        }

        if (new[] { "MALLOC_MMAP_THRESHOLD_", "MALLOC_TOP_PAD_", "GLIBC_TUNABLES" }.Any(name => Environment.GetEnvironmentVariable(name) is not null))
        {
            return false;
        }

        return mallopt(MMmapThreshold, MmapThresholdBytes) == 1 && mallopt(MTopPad, TopPadBytes) == 1;
    }

    /// <summary>Returns the free pages of every malloc arena to the kernel (<c>malloc_trim(0)</c>); false where unavailable.</summary>
    public static bool Trim() => IsAvailable && malloc_trim(UIntPtr.Zero) == 1;

    private static bool Probe()
    {
        try
        {
            // gnu_get_libc_version exists only in glibc.
            return Marshal.PtrToStringAnsi(gnu_get_libc_version()) is not null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

#pragma warning disable SA1300, IDE1006 // C names.
    [DllImport("libc", CallingConvention = CallingConvention.Cdecl)]
    private static extern int mallopt(int param, int value);

    [DllImport("libc", CallingConvention = CallingConvention.Cdecl)]
    private static extern int malloc_trim(UIntPtr pad);

    [DllImport("libc", CallingConvention = CallingConvention.Cdecl)]
    private static extern IntPtr gnu_get_libc_version();
#pragma warning restore SA1300, IDE1006
}
