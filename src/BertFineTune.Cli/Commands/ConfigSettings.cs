using System.ComponentModel;
using Spectre.Console.Cli;

namespace BertFineTune.Cli.Commands;

/// <summary>The arguments of every command that reads a YAML config: the file and its <c>--set</c> overrides.</summary>
public class ConfigSettings : CommandSettings
{
    [CommandArgument(0, "<config>")]
    [Description("The YAML config file.")]
    public string Config { get; init; } = string.Empty;

    [CommandOption("--set <KEY=VALUE>")]
    [Description("Override one key, for example --set hyperparameters.epochs=5 (repeatable; validated like the YAML).")]
    public string[] Set { get; init; } = [];
}
