namespace BertFineTune.Native;

/// <summary>
/// Shortens how long LibTorch's OpenMP workers (GNU libgomp) spin after an op before they sleep, so that the cores are
/// free while .NET code runs between LibTorch ops: the packed attention kernel, which spreads its work over as many
/// .NET threads as LibTorch has, and the dropout masks (<see cref="Models.Layers.IntraOpWorkers"/>).
/// </summary>
/// <remarks>
/// libgomp's default is 300,000 spins, milliseconds on a modern core: each of the kernel's calls (a few ms) found the
/// other core busy spinning, so a second .NET thread there ran it no faster than one. With no spinning at all
/// (<c>OMP_WAIT_POLICY=passive</c>) every short LibTorch op paid a worker's wake-up and ran 1.5–2.8× slower.
/// <see cref="SpinCount"/> spins cover the gaps between consecutive LibTorch ops and stop well inside the kernel's calls.
/// Measured with <c>bertft bench</c> on fortunes, MiniLM, bf16 unpadded, 60 steps, the kernel on two threads: 5,000 spins
/// 112.5–115.5 samples/s, 20,000 spins 104.7–109.0, libgomp's default 98.9–105.0 with the kernel on one thread; 1,000
/// spins as fast as 5,000 (116.7, 117.6 against 114.8, 117.7). Padded steps did not slow down (fp32 17.4–17.9 → 20.2–20.4).
/// libgomp reads the variable when it loads, so this runs before LibTorch does. A user's own <c>GOMP_SPINCOUNT</c> or
/// <c>OMP_WAIT_POLICY</c> is left as it is.
/// </remarks>
public static class OpenMpSpinWait
{
    /// <summary>The spin count set when the user has not chosen one.</summary>
    public const int SpinCount = 5000;

    private const string Variable = "GOMP_SPINCOUNT";

    /// <summary>Sets the spin count in the native environment; false where the user chose a policy or this is not Linux.</summary>
    public static bool Configure() => NativeEnvironment.SetUnlessChosen(Variable, SpinCount, "OMP_WAIT_POLICY");

    /// <summary>The variable as native code sees it (null where unset or not Linux).</summary>
    public static string? NativeValue() => NativeEnvironment.Get(Variable);
}
