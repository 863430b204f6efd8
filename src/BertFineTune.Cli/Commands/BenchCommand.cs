using System.ComponentModel;
using System.Globalization;
using BertFineTune.Cli.Infrastructure;
using BertFineTune.Diagnostics;
using BertFineTune.Training.Benchmarking;
using Spectre.Console;
using Spectre.Console.Cli;

namespace BertFineTune.Cli.Commands;

/// <summary>
/// <c>bertft bench</c>: training throughput of a model on a labelled file per precision (fp32, bf16) and mode (padded,
/// unpadded), against the matmul peak this machine reaches on the model's GEMM shapes.
/// </summary>
public sealed class BenchCommand : AsyncCommand<BenchCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-m|--model <MODEL>")]
        [Description("A model folder or Hub id.")]
        [DefaultValue("sentence-transformers/all-MiniLM-L6-v2")]
        public string Model { get; init; } = "sentence-transformers/all-MiniLM-L6-v2";

        [CommandOption("-i|--input <FILE>", isRequired: true)]
        [Description("A labelled CSV/TSV/JSONL/XLSX file, e.g. examples/fortunes/fortunes.csv.")]
        public string Input { get; init; } = string.Empty;

        [CommandOption("--text-column <NAME>")]
        [DefaultValue("text")]
        public string TextColumn { get; init; } = "text";

        [CommandOption("--label-column <NAME>")]
        [DefaultValue("labels")]
        public string LabelColumn { get; init; } = "labels";

        [CommandOption("--steps <N>")]
        [Description("Timed optimizer steps per precision and mode.")]
        [DefaultValue(30)]
        public int Steps { get; init; } = 30;

        [CommandOption("--warmup-steps <N>")]
        [Description("Untimed steps before the timed ones (at least 1).")]
        [DefaultValue(3)]
        public int WarmupSteps { get; init; } = 3;

        [CommandOption("--batch-size <N>")]
        [DefaultValue(16)]
        public int BatchSize { get; init; } = 16;

        [CommandOption("--max-length <N>")]
        [DefaultValue(128)]
        public int MaxLength { get; init; } = 128;

        [CommandOption("--threads <N>")]
        [Description("Torch intra-op threads (default: physical cores).")]
        public int? Threads { get; init; }

        [CommandOption("--precision <P>")]
        [Description("fp32, bf16 or both.")]
        [DefaultValue("both")]
        public string Precision { get; init; } = "both";

        [CommandOption("--padded")]
        [Description("Time the padded mode (hyperparameters.unpadded: false). Without --padded or --unpadded both run.")]
        public bool Padded { get; init; }

        [CommandOption("--unpadded")]
        [Description("Time the unpadded mode (hyperparameters.unpadded: true). Without --padded or --unpadded both run.")]
        public bool Unpadded { get; init; }

        [CommandOption("--json")]
        [Description("Print the figures as one JSON object on standard output (progress goes to standard error).")]
        public bool Json { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var precision = settings.Precision.ToLowerInvariant();
        if (precision is not ("both" or "fp32" or "bf16"))
        {
            throw new UserErrorException("BFT314", $"must be fp32, bf16 or both (got '{settings.Precision}').", key: "--precision");
        }

        var bothModes = !settings.Padded && !settings.Unpadded;
        var options = new TrainingBenchmarkOptions(
            settings.Model, settings.Input, settings.TextColumn, settings.LabelColumn, settings.Steps, settings.BatchSize, settings.MaxLength, settings.Threads, settings.WarmupSteps)
        {
            Fp32 = precision is "both" or "fp32",
            Bf16 = precision is "both" or "bf16",
            Padded = bothModes || settings.Padded,
            Unpadded = bothModes || settings.Unpadded,
        };
        var report = await TrainingBenchmark.RunAsync(options, new SynchronousProgress<string>(Console.Error.WriteLine), cancellationToken);
        if (settings.Json)
        {
            Console.Out.WriteLine(report.ToJson());
            return ExitCodes.Ok;
        }

        WriteTable(report);
        return ExitCodes.Ok;
    }

    private static void WriteTable(BenchmarkReport report)
    {
        var c = CultureInfo.InvariantCulture;
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Precision").AddColumn("Mode");
        foreach (var name in new[] { "Steps", "Samples/s", "Real tok/s", "Padded tok/s", "Mean step ms", "Median step ms", "Model GFLOP/s", "Peak GFLOP/s", "Peak share", "Peak RSS MB" })
        {
            table.AddColumn(new TableColumn(name).RightAligned());
        }

        foreach (var r in report.Results.Values.SelectMany(m => m.Values))
        {
            table.AddRow(
                r.Precision,
                r.Mode,
                r.Steps.ToString(c),
                r.SamplesPerS.ToString("0.0", c),
                r.RealTokensPerS.ToString("0", c),
                r.PaddedTokensPerS.ToString("0", c),
                (r.StepTimeMeanS * 1000).ToString("0", c),
                (r.StepTimeMedianS * 1000).ToString("0", c),
                r.ModelGflopsPerS.ToString("0.0", c),
                r.PeakGflops.ToString("0.0", c),
                r.PeakShare.ToString("P0", c),
                r.PeakRssMb.ToString("0", c));
        }

        var console = ConsoleFactory.Create();
        console.Write(table);
        console.WriteLine(
            $"padding ratio {report.PaddingRatio.ToString("0.00", c)} (padded/real tokens over the timed batches); " +
            $"{report.NonEmbeddingParameters.ToString("N0", c)} non-embedding parameters; batch {report.BatchSize}, max_length {report.MaxLength}, " +
            $"{report.Threads} threads, {report.WarmupSteps} warm-up steps not timed" +
            (report.PeakRssPerRun ? string.Empty : "; peak RSS is the process's peak so far (this kernel cannot reset it)"));
        if (report.Results.TryGetValue("fp32", out var fp32) && report.Results.TryGetValue("bf16", out var bf16))
        {
            foreach (var mode in fp32.Keys.Intersect(bf16.Keys))
            {
                console.WriteLine($"bf16/fp32 speed-up ({mode}): {(bf16[mode].SamplesPerS / fp32[mode].SamplesPerS).ToString("0.00", c)}x");
            }
        }

        foreach (var (precision, modes) in report.Results)
        {
            if (modes.TryGetValue("padded", out var padded) && modes.TryGetValue("unpadded", out var unpadded))
            {
                console.WriteLine($"unpadded/padded speed-up ({precision}): {(unpadded.SamplesPerS / padded.SamplesPerS).ToString("0.00", c)}x");
            }
        }
    }
}
