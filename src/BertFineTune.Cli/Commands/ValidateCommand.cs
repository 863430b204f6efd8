using System.ComponentModel;
using BertFineTune.Cli.Infrastructure;
using BertFineTune.Cli.Rendering;
using BertFineTune.Config;
using Spectre.Console.Cli;

namespace BertFineTune.Cli.Commands;

/// <summary><c>bertft validate &lt;config&gt; [--set key=value]...</c>: load and check a config, print the effective settings.</summary>
public sealed class ValidateCommand : AsyncCommand<ValidateCommand.Settings>
{
    public sealed class Settings : ConfigSettings
    {
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // Errors (exit 2) surface as UserErrorException, which BertftApp prints in canonical form.
        var loaded = await ConfigLoader.LoadAsync(settings.Config, settings.Set, cancellationToken);
        ErrorOutput.Write(loaded.Warnings);
        ConfigSummary.Write(ConsoleFactory.Create(), loaded);
        return ExitCodes.Ok;
    }
}
