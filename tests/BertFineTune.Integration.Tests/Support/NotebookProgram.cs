using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace BertFineTune.Integration.Tests.Support;

/// <summary>
/// Turns a notebook's C# cells into one .NET 10 file-based app (<c>dotnet run pipeline.cs</c>), so CI runs the
/// notebook's code without Jupyter and with the same references: .NET Interactive's <c>#r "nuget: Id, Version"</c>
/// becomes <c>#:package Id@Version</c> and <c>#i "nuget: folder"</c> a <c>RestoreAdditionalProjectSources</c>
/// property; using directives move to the top, and the <c>display</c>/<c>Update</c>/<c>HTML</c> helpers print to the
/// console. A <c>#r</c> of a file path is refused: the notebook must reference the packed library.
/// </summary>
public static partial class NotebookProgram
{
    /// <param name="notebookPath">The .ipynb file.</param>
    /// <param name="packageSource">
    /// The folder feed to restore from instead of the notebook's <c>#i</c> folder (the test's freshly packed feed);
    /// null keeps the notebook's, made absolute against the notebook's folder.
    /// </param>
    public static string FromNotebook(string notebookPath, string? packageSource = null)
    {
        using var notebook = JsonDocument.Parse(File.ReadAllText(notebookPath));
        var notebookDir = Path.GetDirectoryName(Path.GetFullPath(notebookPath))!;
        var directives = new List<string>();
        var usings = new List<string>();
        var body = new StringBuilder();
        foreach (var cell in notebook.RootElement.GetProperty("cells").EnumerateArray())
        {
            if (cell.GetProperty("cell_type").GetString() != "code")
            {
                continue;
            }

            var source = string.Concat(cell.GetProperty("source").EnumerateArray().Select(l => l.GetString()));
            foreach (var line in source.Split('\n'))
            {
                if (line.StartsWith("#!", StringComparison.Ordinal))
                {
                    continue;
                }

                if (line.StartsWith("#i ", StringComparison.Ordinal))
                {
                    var folder = NuGetArgument(line);
                    directives.Add($"#:property RestoreAdditionalProjectSources={packageSource ?? Path.GetFullPath(Path.Combine(notebookDir, folder))}");
                    continue;
                }

                if (line.StartsWith("#r ", StringComparison.Ordinal))
                {
                    var parts = NuGetArgument(line).Split(',', StringSplitOptions.TrimEntries);
                    directives.Add(parts.Length == 2 ? $"#:package {parts[0]}@{parts[1]}" : $"#:package {parts[0]}");
                    continue;
                }

                if (UsingDirective().IsMatch(line))
                {
                    usings.Add(line.Trim());
                    continue;
                }

                body.AppendLine(line);
            }

            body.AppendLine();
        }

        return $$"""
            {{string.Join("\n", directives.Distinct())}}
            #:property PublishAot=false
            {{string.Join("\n", usings.Distinct())}}

            {{body}}
            // .NET Interactive's display helpers, as console output: a displayed value's updates print one line each.
            static DisplayedValue display(object? value)
            {
                Console.WriteLine(value);
                return new DisplayedValue();
            }

            static string HTML(string html) => $"(HTML, {html.Length} characters)";

            sealed class DisplayedValue
            {
                public void Update(object? value) => Console.WriteLine($"[update] {value}");
            }

            """;
    }

    /// <summary>The quoted <c>nuget:</c> argument of a <c>#r</c>/<c>#i</c> line; anything else is not a package reference.</summary>
    private static string NuGetArgument(string line)
    {
        var match = NuGetDirective().Match(line);
        return match.Success
            ? match.Groups["value"].Value.Trim()
            : throw new InvalidDataException($"'{line.Trim()}': the notebook must reference packages (#r \"nuget: Id, Version\", #i \"nuget: folder\"), not files.");
    }

    [GeneratedRegex(@"^#[ri]\s+""nuget:\s*(?<value>[^""]+)""\s*$")]
    private static partial Regex NuGetDirective();

    [GeneratedRegex(@"^\s*using\s+(static\s+)?[A-Za-z_][\w.]*(\s*=\s*[\w.<>]+)?\s*;\s*$")]
    private static partial Regex UsingDirective();
}
