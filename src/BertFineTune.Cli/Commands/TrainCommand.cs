using System.ComponentModel;
using System.Globalization;
using BertFineTune.Cli.Infrastructure;
using BertFineTune.Cli.Rendering;
using BertFineTune.Config;
using BertFineTune.Diagnostics;
using BertFineTune.Pipelines;
using Spectre.Console;
using Spectre.Console.Cli;

namespace BertFineTune.Cli.Commands;

/// <summary><c>bertft train &lt;config&gt;</c>: data → model → training → evaluation → HF-format model and reports.</summary>
public sealed class TrainCommand : AsyncCommand<TrainCommand.Settings>
{
    public sealed class Settings : ConfigSettings
    {
        [CommandOption("--resume [CHECKPOINT]")]
        [Description("Resume from a checkpoint folder, or (without a value) from the latest checkpoint-N in output_dir.")]
        public FlagValue<string>? Resume { get; init; }

        [CommandOption("--overwrite")]
        [Description("Start afresh in an output_dir that holds an earlier run: delete its checkpoints, model/, metrics.json, report.html and logs first.")]
        public bool Overwrite { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var loaded = await ConfigLoader.LoadAsync(settings.Config, settings.Set, cancellationToken);
        ErrorOutput.Write(loaded.Warnings);
        var resume = settings.Resume is { IsSet: true } flag ? (string.IsNullOrEmpty(flag.Value) ? "latest" : flag.Value) : null;
        var view = new TrainingProgressView();
        var result = await view.RunAsync(v => new TrainPipeline(new SynchronousProgress<string>(Console.WriteLine), v).RunAsync(loaded, resume, settings.Overwrite, cancellationToken));

        var console = ConsoleFactory.Create();
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Split").AddColumn(new TableColumn("Loss").RightAligned())
            .AddColumn(new TableColumn("Accuracy").RightAligned()).AddColumn(new TableColumn("F1").RightAligned())
            .AddColumn(new TableColumn("F1 macro").RightAligned()).AddColumn(new TableColumn("F1 weighted").RightAligned());
        foreach (var (name, report) in result.Metrics.Sections())
        {
            table.AddRow(name, F(report.Loss), F(report.Accuracy), F(report.F1), F(report.Macro.F1), F(report.Weighted.F1));
        }

        console.Write(table);
        console.MarkupLineInterpolated($"model  [green]{result.Output.Model}[/]");
        console.MarkupLineInterpolated($"report [green]{result.Report.ReportHtmlPath}[/]");
        return ExitCodes.Ok;
    }

    private static string F(double? value) => value is double v ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "-";
}
