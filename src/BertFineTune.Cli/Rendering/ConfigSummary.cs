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
            table.AddRow(Markup.Escape(setting.Key), Markup.Escape(Shorten(setting.Value)));
        }

        console.Write(table);
    }

    /// <summary>The longest value shown in full; a longer one (a label_map of thousands of entries) is cut.</summary>
    public const int MaxValueChars = 300;

    /// <summary>
    /// Cuts a long value for the table: Spectre wraps a cell in time that grows faster than its length, so a 100,000-entry
    /// label_map printed whole took over a minute; the config file itself holds the full value.
    /// </summary>
    private static string Shorten(string value) =>
        value.Length <= MaxValueChars
            ? value
            : $"{value[..(MaxValueChars - 20)]}… ({value.Length.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} characters in all; see the config file)";
}
