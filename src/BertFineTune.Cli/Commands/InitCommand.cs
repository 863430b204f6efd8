using System.ComponentModel;
using BertFineTune.Cli.Infrastructure;
using BertFineTune.Config;
using BertFineTune.Diagnostics;
using Spectre.Console.Cli;

namespace BertFineTune.Cli.Commands;

/// <summary>
/// <c>bertft init [path] [--force] [--schema url-or-path]</c>: write a commented starter config whose first line points
/// the YAML language server at the schema (the checkout's config.schema.json, else a copy written beside the config).
/// </summary>
public sealed class InitCommand : AsyncCommand<InitCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[path]")]
        [Description("Where to write the config (default: config.yaml).")]
        public string Path { get; init; } = "config.yaml";

        [CommandOption("--force")]
        [Description("Overwrite an existing file.")]
        public bool Force { get; init; }

        [CommandOption("--schema <URL-OR-PATH>")]
        [Description("The $schema reference to write on the first line.")]
        public string? Schema { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var target = System.IO.Path.GetFullPath(settings.Path);
        if (File.Exists(target) && !settings.Force)
        {
            throw new UserErrorException(new UserError(
                ConfigErrorCodes.InitTargetExists,
                $"{target} already exists; pass --force to overwrite it, or give another path.",
                settings.Path));
        }

        var folder = System.IO.Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(folder);
        var schema = settings.Schema ?? await LocateSchemaAsync(folder, cancellationToken);
        await WriteAtomicallyAsync(target, StarterConfig.Render(schema), cancellationToken);
        Console.WriteLine($"Wrote {target}.");
        Console.WriteLine($"Next: point dataset[0].filepath at your data, then run: bertft validate {settings.Path}");
        return ExitCodes.Ok;
    }

    /// <summary>The nearest config.schema.json at or above <paramref name="folder"/>, relative; else a copy written there.</summary>
    private static async Task<string> LocateSchemaAsync(string folder, CancellationToken cancellationToken)
    {
        for (var dir = new DirectoryInfo(folder); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, ConfigSchema.FileName);
            if (File.Exists(candidate))
            {
                return System.IO.Path.GetRelativePath(folder, candidate).Replace('\\', '/');
            }
        }

        await WriteAtomicallyAsync(System.IO.Path.Combine(folder, ConfigSchema.FileName), ConfigSchema.ReadJson(), cancellationToken);
        return ConfigSchema.FileName;
    }

    private static async Task WriteAtomicallyAsync(string path, string text, CancellationToken cancellationToken)
    {
        var temp = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, $".{System.IO.Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await File.WriteAllTextAsync(temp, text, cancellationToken);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
