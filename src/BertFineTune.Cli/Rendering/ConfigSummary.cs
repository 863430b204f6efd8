using BertFineTune.Config;
using Spectre.Console;

namespace BertFineTune.Cli.Rendering;

/// <summary>Renders the effective config as one table per section; secrets arrive already masked by <c>Describe()</c>.</summary>
public static class ConfigSummary
{
    public static void Write(IAnsiConsole console, LoadedConfig loaded)
    {
        console.MarkupLine($"[green]✓[/] {Markup.Escape(loaded.ConfigPath)} is valid.");
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Key").AddColumn("Value");
        string? section = null;
        foreach (var setting in loaded.Describe())
        {
            var top = setting.Key.Split('.', '[')[0];
            if (section is not null && top != section)
            {
                table.AddEmptyRow();
            }

            section = top;
            table.AddRow(Markup.Escape(setting.Key), Markup.Escape(setting.Value));
        }

        console.Write(table);
    }
}
