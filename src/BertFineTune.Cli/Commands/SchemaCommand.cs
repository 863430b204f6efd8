using System.ComponentModel;
using BertFineTune.Cli.Infrastructure;
using BertFineTune.Config;
using Spectre.Console.Cli;

namespace BertFineTune.Cli.Commands;

/// <summary><c>bertft schema [--markdown]</c>: print config.schema.json, or the README's configuration reference.</summary>
public sealed class SchemaCommand : Command<SchemaCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--markdown")]
        [Description("Print the configuration reference as Markdown tables instead of the JSON schema.")]
        public bool Markdown { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var json = ConfigSchema.ReadJson();
        Console.Out.Write(settings.Markdown ? ConfigReference.ToMarkdown(json) : json);
        return ExitCodes.Ok;
    }
}
