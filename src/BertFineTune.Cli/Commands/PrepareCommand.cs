using System.ComponentModel;
using BertFineTune.Cli.Infrastructure;
using BertFineTune.Cli.Rendering;
using BertFineTune.Config;
using BertFineTune.Pipelines;
using Spectre.Console;
using Spectre.Console.Cli;

namespace BertFineTune.Cli.Commands;

/// <summary><c>bertft prepare &lt;config&gt;</c>: read, merge, clean, encode and split the data; write it and a report.</summary>
public sealed class PrepareCommand : AsyncCommand<PrepareCommand.Settings>
{
    public sealed class Settings : ConfigSettings
    {
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var loaded = await ConfigLoader.LoadAsync(settings.Config, settings.Set, cancellationToken);
        ErrorOutput.Write(loaded.Warnings);
        var result = await PreparePipeline.RunAsync(loaded, progress: null, cancellationToken);
        ErrorOutput.Write(result.Data.Report.Warnings);
        var console = ConsoleFactory.Create();
        DataReportTable.Write(console, result.Data.Report);
        foreach (var file in result.Files)
        {
            console.MarkupLineInterpolated($"wrote [green]{file}[/]");
        }

        return ExitCodes.Ok;
    }
}
