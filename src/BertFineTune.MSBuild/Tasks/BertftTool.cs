using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace BertFineTune.MSBuild;

/// <summary>How to start bertft: an executable and the arguments that come before bertft's own.</summary>
/// <param name="FileName">The program to start (bertft itself, or the dotnet host for a local tool).</param>
/// <param name="PrefixArguments">Arguments before bertft's (<c>bertft</c> when run as <c>dotnet bertft</c>).</param>
/// <param name="Origin">Where it was found, for the build log.</param>
public sealed record BertftTool(string FileName, IReadOnlyList<string> PrefixArguments, string Origin)
{
    private static readonly Regex ManifestTool = new("\"bertft\"\\s*:", RegexOptions.CultureInvariant);

    private static readonly Regex ManifestIsRoot = new("\"isRoot\"\\s*:\\s*true", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    private static string ExecutableName => RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "bertft.exe" : "bertft";

    /// <summary>
    /// Finds bertft in this order: <paramref name="explicitPath"/> (BertFineTuneToolPath, a file or its folder), a local tool
    /// manifest (<c>dotnet-tools.json</c> or <c>.config/dotnet-tools.json</c>) up the tree from <paramref name="startDirectory"/>
    /// that lists bertft, then a global tool on PATH or in <c>~/.dotnet/tools</c>. Null when none is there.
    /// </summary>
    public static BertftTool? Find(string? explicitPath, string startDirectory, Func<string, string?> environment)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            var path = Path.GetFullPath(explicitPath!);
            var file = Directory.Exists(path) ? Path.Combine(path, ExecutableName) : path;
            return File.Exists(file) ? new BertftTool(file, [], "BertFineTuneToolPath") : null;
        }

        var manifest = FindManifestListingBertft(startDirectory);
        if (manifest is not null)
        {
            return new BertftTool(DotnetHost(environment), ["bertft"], $"local tool manifest {manifest}");
        }

        var global = GlobalCandidates(environment).FirstOrDefault(File.Exists);
        return global is null ? null : new BertftTool(global, [], "global tool");
    }

    /// <summary>The nearest manifest that lists bertft, searching up to the first manifest marked <c>isRoot</c>, as the dotnet CLI does.</summary>
    public static string? FindManifestListingBertft(string startDirectory)
    {
        for (var dir = new DirectoryInfo(startDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, ".config", "dotnet-tools.json"), Path.Combine(dir.FullName, "dotnet-tools.json") })
            {
                if (!File.Exists(candidate))
                {
                    continue;
                }

                var text = File.ReadAllText(candidate);
                if (ManifestTool.IsMatch(text))
                {
                    return candidate;
                }

                if (ManifestIsRoot.IsMatch(text))
                {
                    return null;
                }
            }
        }

        return null;
    }

    private static string DotnetHost(Func<string, string?> environment)
    {
        // The dotnet CLI tells the MSBuild it runs which host it is; Visual Studio's MSBuild does not, so fall back to PATH.
        var host = environment("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host! : "dotnet";
    }

    private static IEnumerable<string> GlobalCandidates(Func<string, string?> environment)
    {
        foreach (var dir in (environment("PATH") ?? string.Empty).Split([Path.PathSeparator], StringSplitOptions.RemoveEmptyEntries))
        {
            yield return Path.Combine(dir.Trim('"'), ExecutableName);
        }

        var home = environment("HOME") ?? environment("USERPROFILE");
        if (!string.IsNullOrEmpty(home))
        {
            yield return Path.Combine(home!, ".dotnet", "tools", ExecutableName);
        }
    }
}
