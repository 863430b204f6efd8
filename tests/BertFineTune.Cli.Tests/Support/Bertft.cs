using System.Diagnostics;

namespace BertFineTune.Cli.Tests.Support;

/// <summary>What one run of the real <c>bertft</c> process printed and returned.</summary>
public sealed record BertftResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs the built <c>bertft.dll</c> as a separate process, the way a user runs it.</summary>
public static class Bertft
{
    public static Task<BertftResult> RunAsync(string? workingDirectory, string? stdin, params string[] args) =>
        RunWithBytesAsync(workingDirectory, stdin is null ? null : new System.Text.UTF8Encoding(false).GetBytes(stdin), args);

    /// <summary>Runs bertft with <paramref name="stdin"/> written to its standard input as raw bytes (binary input included).</summary>
    public static async Task<BertftResult> RunWithBytesAsync(string? workingDirectory, byte[]? stdin, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "bertft.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Plain output: no ANSI colours or live progress when stdout is captured.
        start.Environment["NO_COLOR"] = "1";
        start.Environment["TERM"] = "dumb";

        // Tracking settings of the machine running the tests must not leak into them.
        foreach (var variable in new[] { "WANDB_API_KEY", "WANDB_BASE_URL", "MLFLOW_TRACKING_URI", "MLFLOW_TRACKING_TOKEN" })
        {
            start.Environment.Remove(variable);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(stdin);
            await process.StandardInput.BaseStream.FlushAsync();
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        return new BertftResult(process.ExitCode, await stdout, await stderr);
    }

    public static Task<BertftResult> RunAsync(params string[] args) => RunAsync(null, null, args);
}
