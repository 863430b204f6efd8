using System.ComponentModel;
using System.Globalization;
using BertFineTune.Cli.Infrastructure;
using BertFineTune.Diagnostics;
using BertFineTune.Pipelines;
using Spectre.Console;
using Spectre.Console.Cli;

namespace BertFineTune.Cli.Commands;

/// <summary><c>bertft bench</c>: training samples/s and real tokens/s of a model on a labelled file, fp32 against bf16.</summary>
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
        [Description("Optimizer steps per precision.")]
        [DefaultValue(30)]
        public int Steps { get; init; } = 30;

        [CommandOption("--batch-size <N>")]
        [DefaultValue(16)]
        public int BatchSize { get; init; } = 16;

        [CommandOption("--max-length <N>")]
        [DefaultValue(128)]
        public int MaxLength { get; init; } = 128;

        [CommandOption("--threads <N>")]
        [Description("Torch intra-op threads (default: physical cores).")]
        public int? Threads { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var options = new TrainingBenchmarkOptions(settings.Model, settings.Input, settings.TextColumn, settings.LabelColumn, settings.Steps, settings.BatchSize, settings.MaxLength, settings.Threads);
        var results = await TrainingBenchmark.RunAsync(options, new SynchronousProgress<string>(Console.Error.WriteLine), cancellationToken);
        var c = CultureInfo.InvariantCulture;
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Precision").AddColumn(new TableColumn("Steps").RightAligned())
            .AddColumn(new TableColumn("Samples/s").RightAligned()).AddColumn(new TableColumn("Real tokens/s").RightAligned())
            .AddColumn(new TableColumn("Peak RSS MB").RightAligned());
        foreach (var r in results)
        {
            table.AddRow(r.Precision, r.Steps.ToString(c), r.SamplesPerSecond.ToString("0.0", c), r.TokensPerSecond.ToString("0", c), r.PeakRssMegabytes.ToString("0", c));
        }

        ConsoleFactory.Create().Write(table);
        if (results.Count == 2 && results[0].SamplesPerSecond > 0)
        {
            Console.WriteLine($"bf16/fp32 speed-up: {(results[1].SamplesPerSecond / results[0].SamplesPerSecond).ToString("0.00", c)}x");
        }

        return ExitCodes.Ok;
    }
}
