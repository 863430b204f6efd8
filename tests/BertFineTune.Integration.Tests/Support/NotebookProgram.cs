using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace BertFineTune.Integration.Tests.Support;

/// <summary>
/// Turns a notebook's C# cells into one .NET 10 file-based app (<c>dotnet run pipeline.cs</c>), so CI runs the
/// notebook's code without Jupyter: <c>#r</c> lines become a <c>#:project</c> reference to BertFineTune.Core, using
/// directives move to the top, and .NET Interactive's <c>display</c>/<c>HTML</c> helpers print to the console.
/// </summary>
public static partial class NotebookProgram
{
    public static string FromNotebook(string notebookPath, string coreProject)
    {
        using var notebook = JsonDocument.Parse(File.ReadAllText(notebookPath));
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
                if (line.StartsWith("#r ", StringComparison.Ordinal) || line.StartsWith("#!", StringComparison.Ordinal))
                {
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
            #:project {{coreProject}}
            #:property PublishAot=false
            {{string.Join("\n", usings.Distinct())}}

            {{body}}
            // .NET Interactive's display helpers, as console output.
            static void display(object? value) => Console.WriteLine(value);
            static string HTML(string html) => $"(HTML, {html.Length} characters)";

            """;
    }

    [GeneratedRegex(@"^\s*using\s+(static\s+)?[A-Za-z_][\w.]*(\s*=\s*[\w.<>]+)?\s*;\s*$")]
    private static partial Regex UsingDirective();
}
