using Spectre.Console;

namespace BertFineTune.Cli.Infrastructure;

/// <summary>The stdout console every command writes to.</summary>
public static class ConsoleFactory
{
    /// <summary>A console for stdout; wide when redirected so keys and paths are not wrapped in logs and tests.</summary>
    public static IAnsiConsole Create()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = 200;
        }

        return console;
    }
}
