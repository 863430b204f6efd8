using System.Diagnostics;
using System.Globalization;
using BertFineTune.Training;
using Spectre.Console;

namespace BertFineTune.Cli.Rendering;

/// <summary>
/// Shows training progress: a live Spectre progress bar on a terminal; plain periodic lines when stdout is a file or
/// a CI log (a redrawn bar would fill the log with escape codes).
/// </summary>
public sealed class TrainingProgressView : IProgress<TrainingProgress>
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(10);
    private readonly Stopwatch _sincePlainLine = Stopwatch.StartNew();
    private ProgressTask? _bar;

    /// <summary>True when a live bar can be drawn.</summary>
    public static bool Interactive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="work"/> with a live bar when interactive, else with plain lines.</summary>
    public async Task<T> RunAsync<T>(Func<TrainingProgressView, Task<T>> work)
    {
        if (!Interactive)
        {
            return await work(this);
        }

        return await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                _bar = context.AddTask("training", autoStart: true, maxValue: 1);
                return await work(this);
            });
    }

    public void Report(TrainingProgress value)
    {
        var line = Describe(value);
        if (_bar is not null)
        {
            _bar.MaxValue = Math.Max(1, value.MaxSteps);
            _bar.Value = value.GlobalStep;
            _bar.Description = Markup.Escape(line);
            return;
        }

        if (value.Kind == TrainingProgressKind.EpochEnd || value.GlobalStep == value.MaxSteps || _sincePlainLine.Elapsed >= PlainInterval)
        {
            Console.WriteLine(line);
            _sincePlainLine.Restart();
        }
    }

    /// <summary>One line: epoch, step, loss, learning rate, throughput and ETA.</summary>
    public static string Describe(TrainingProgress p)
    {
        var c = CultureInfo.InvariantCulture;
        var loss = double.IsNaN(p.Loss) ? "epoch end" : $"loss {p.Loss.ToString("0.0000", c)}";
        var eta = p.Eta is { } t ? $"ETA {t:hh\\:mm\\:ss}" : "ETA --";
        return string.Create(c, $"epoch {p.Epoch:0.00} step {p.GlobalStep}/{p.MaxSteps} {loss} lr {p.LearningRate:0.00e+00} {p.SamplesPerSecond:0.0} samples/s {p.TokensPerSecond:0} tokens/s {eta}");
    }
}
