using System.Diagnostics;

namespace BertFineTune.Tests.Processes;

/// <summary>
/// Runs a scenario of this test assembly in a new process (<c>dotnet BertFineTune.Core.Tests.dll &lt;scenario&gt;</c>),
/// for behaviour that depends on what the process did before: glibc's arenas keep the free chunks earlier tests left,
/// so an allocator scenario measured in the shared test host measures its history too.
/// </summary>
public static class FreshProcess
{
    /// <summary>Scenarios by name; <see cref="Main"/> runs one and returns its exit code.</summary>
    private static readonly Dictionary<string, Func<TextWriter, int>> Scenarios = new()
    {
        [Native.GlibcAllocatorTests.SteadyStateScenario] = Native.GlibcAllocatorTests.RunSteadyState,
    };

    /// <summary>The assembly's entry point (the test SDK's generated one is turned off); the test host never calls it.</summary>
    public static int Main(string[] args) =>
        args is [var name] && Scenarios.TryGetValue(name, out var run) ? run(Console.Out) : 2;

    /// <summary>Runs <paramref name="scenario"/> with extra environment variables; returns its exit code and standard output.</summary>
    public static (int ExitCode, string Output) Run(string scenario, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(FreshProcess).Assembly.Location);
        start.ArgumentList.Add(scenario);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"scenario '{scenario}' did not finish: {stdout.Result}{stderr.Result}");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
