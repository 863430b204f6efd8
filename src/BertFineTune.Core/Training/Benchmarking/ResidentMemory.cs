namespace BertFineTune.Training.Benchmarking;

/// <summary>
/// The process's resident memory from <c>/proc/self/status</c> (Linux). The peak (VmHWM) can be reset between
/// benchmark runs by writing 5 to <c>/proc/self/clear_refs</c> (Linux 4.0+), so each run reports its own peak rather
/// than the highest of every run before it.
/// </summary>
public static class ResidentMemory
{
    private const string Status = "/proc/self/status";

    /// <summary>VmRSS in MB; the working set where /proc is missing.</summary>
    public static double CurrentMegabytes() =>
        Read("VmRSS:") ?? System.Diagnostics.Process.GetCurrentProcess().WorkingSet64 / (1024.0 * 1024.0);

    /// <summary>VmHWM in MB (peak since start or since <see cref="TryResetPeak"/>); the peak working set elsewhere.</summary>
    public static double PeakMegabytes() =>
        Read("VmHWM:") ?? System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);

    /// <summary>Sets the peak to the current RSS; false where the kernel does not allow it (then peaks accumulate).</summary>
    public static bool TryResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return false;
        }
    }

    private static double? Read(string field)
    {
        if (!File.Exists(Status))
        {
            return null;
        }

        var line = File.ReadLines(Status).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        return line is not null && long.TryParse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], out var kb) ? kb / 1024.0 : null;
    }
}
