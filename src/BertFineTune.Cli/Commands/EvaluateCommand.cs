using System.ComponentModel;
using System.Globalization;
using BertFineTune.Cli.Infrastructure;
using BertFineTune.Inference;
using BertFineTune.Pipelines;
using Spectre.Console;
using Spectre.Console.Cli;

namespace BertFineTune.Cli.Commands;

/// <summary><c>bertft evaluate</c>: metrics of a trained model on a labelled file; writes metrics.json and report.html.</summary>
public sealed class EvaluateCommand : AsyncCommand<EvaluateCommand.Settings>
{
    public sealed class Settings : ClassifierSettings
    {
        [CommandOption("--label-column <NAME>")]
        [Description("The column holding the gold label.")]
        [DefaultValue("labels")]
        public string LabelColumn { get; init; } = "labels";

        [CommandOption("--label-delimiter <TEXT>")]
        [Description("Multi-label models: separates the labels of one cell.")]
        [DefaultValue("|")]
        public string LabelDelimiter { get; init; } = "|";

        [CommandOption("-o|--output <DIR>")]
        [Description("Where metrics.json, report.html and the charts go.")]
        [DefaultValue("evaluation")]
        public string Output { get; init; } = "evaluation";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // Checks that need no model come first: a bad --output or --device must not wait for the model to load.
        if (IO.OutputLocation.PrepareFolder(settings.Output) is string problem)
        {
            throw new Diagnostics.UserErrorException(IO.OutputErrorCodes.Unwritable, $"--output: {problem}; evaluate writes metrics.json and report.html into a folder.", settings.Output);
        }

        DeviceCheck.EnsureAvailable(settings.Device);
        var input = await InputTable.ReadAsync(settings.Input, settings.TextColumn, settings.LabelColumn, Console.OpenStandardInput, cancellationToken, settings.TextPairColumn);
        using var classifier = TextClassifier.Load(ModelSources.ForPathOrHubId(settings.Model, new Progress<string>(Console.Error.WriteLine)), settings.ToClassifierOptions(), cancellationToken);
        var result = await EvaluatePipeline.RunAsync(classifier, input, settings.LabelDelimiter, Path.GetFullPath(settings.Output), null, cancellationToken);
        var console = ConsoleFactory.Create();
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Metric").AddColumn(new TableColumn("Value").RightAligned());
        foreach (var (name, value) in result.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            table.AddRow(name, value.ToString("0.0000", CultureInfo.InvariantCulture));
        }

        console.Write(table);
        console.MarkupLineInterpolated($"wrote [green]{Path.Combine(Path.GetFullPath(settings.Output), "report.html")}[/]");
        return ExitCodes.Ok;
    }
}
