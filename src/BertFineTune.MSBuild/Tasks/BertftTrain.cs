using System;
using System.Collections.Generic;
using System.Diagnostics;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace BertFineTune.MSBuild;

/// <summary>
/// Runs <c>bertft train &lt;config&gt;</c> out of process. bertft prints user errors in MSBuild's canonical form
/// (<c>bertft.yaml(12,5): error BFT003: ...</c>); ToolTask's canonical-error parsing turns each into a real MSBuild
/// error with file, line, column and code, so IDEs and CI annotate the YAML line.
/// </summary>
public sealed class BertftTrain : ToolTask
{
    private BertftTool? _tool;

    /// <summary>The bertft YAML file.</summary>
    [Required]
    public string ConfigFile { get; set; } = string.Empty;

    /// <summary>Overrides <c>training.output_dir</c> (absolute) through <c>--set</c>; empty keeps the config's.</summary>
    public string? OutputDir { get; set; }

    /// <summary>More arguments for <c>bertft train</c>, as typed on a command line (BertFineTuneArgs).</summary>
    public string? Arguments { get; set; }

    /// <summary>BertFineTuneToolPath: the bertft executable or its folder; empty to search.</summary>
    public string? BertftPath { get; set; }

    /// <summary>Where the search for a local tool manifest starts (the project folder).</summary>
    [Required]
    public string ProjectDirectory { get; set; } = string.Empty;

    protected override string ToolName => Tool?.FileName ?? "bertft";

    // ToolTask asks for the command line before the tool path, so both go through this one lazy lookup.
    private BertftTool? Tool => _tool ??= BertftTool.Find(BertftPath, ProjectDirectory, Environment.GetEnvironmentVariable);

    protected override bool ValidateParameters()
    {
        if (Tool is not null)
        {
            Log.LogMessage(MessageImportance.Low, "Using bertft from the {0}: {1}", Tool.Origin, Tool.FileName);
            return base.ValidateParameters();
        }

        var message = string.IsNullOrWhiteSpace(BertftPath)
            ? "bertft was not found. Install it as a local tool (dotnet new tool-manifest; dotnet tool install bertft), " +
              "or globally (dotnet tool install -g bertft), or set BertFineTuneToolPath to the bertft executable."
            : $"BertFineTuneToolPath '{BertftPath}' is neither the bertft executable nor a folder holding it.";
        Log.LogError(null, "BFT502", null, null, 0, 0, 0, 0, message);
        return false;
    }

    protected override string GenerateFullPathToTool() => Tool?.FileName ?? ToolName;

    protected override string GenerateCommandLineCommands()
    {
        var builder = new CommandLineBuilder();
        foreach (var prefix in Tool?.PrefixArguments ?? [])
        {
            builder.AppendSwitch(prefix);
        }

        builder.AppendSwitch("train");
        builder.AppendFileNameIfNotNull(ConfigFile);
        if (!string.IsNullOrWhiteSpace(OutputDir))
        {
            builder.AppendSwitchIfNotNull("--set ", $"training.output_dir={OutputDir}");
        }

        // The target runs because an input changed, so the earlier run in the output folder is to be replaced:
        // without --overwrite, bertft refuses to start a new run next to its checkpoints (BFT320).
        var arguments = Arguments ?? string.Empty;
        if (!arguments.Contains("--resume", StringComparison.Ordinal) && !arguments.Contains("--overwrite", StringComparison.Ordinal))
        {
            builder.AppendSwitch("--overwrite");
        }

        if (!string.IsNullOrWhiteSpace(Arguments))
        {
            builder.AppendTextUnquoted(" " + Arguments!.Trim());
        }

        return builder.ToString();
    }

    protected override ProcessStartInfo GetProcessStartInfo(string pathToTool, string commandLineCommands, string responseFileSwitch)
    {
        var start = base.GetProcessStartInfo(pathToTool, commandLineCommands, responseFileSwitch);

        // Captured output: plain lines, no colours or live redraws, so every line reaches the log intact.
        foreach (var pair in new Dictionary<string, string> { ["NO_COLOR"] = "1", ["TERM"] = "dumb" })
        {
            if (!start.Environment.ContainsKey(pair.Key))
            {
                start.Environment[pair.Key] = pair.Value;
            }
        }

        return start;
    }
}
