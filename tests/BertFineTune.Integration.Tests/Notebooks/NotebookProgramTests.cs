using System.Xml.Linq;
using BertFineTune.Integration.Tests.Support;

namespace BertFineTune.Integration.Tests.Notebooks;

/// <summary>The notebook-to-file-based-app conversion that lets CI run the notebook's code without Jupyter.</summary>
public sealed class NotebookProgramTests
{
    private static string Notebook => Path.Combine(RepoPaths.Root, "examples", "notebooks", "pipeline.ipynb");

    private static string RepositoryVersion =>
        XDocument.Load(Path.Combine(RepoPaths.Root, "Directory.Build.props")).Descendants("Version").First().Value;

    [Fact]
    public void Extracted_program_references_the_packed_library_at_the_repository_version()
    {
        var program = NotebookProgram.FromNotebook(Notebook);

        Assert.Contains($"#:package BertFineTune.Core@{RepositoryVersion}\n", program, StringComparison.Ordinal);
        var packages = Path.Combine(RepoPaths.Root, "artifacts", "packages");
        Assert.Contains($"#:property RestoreAdditionalProjectSources={packages}\n", program, StringComparison.Ordinal);
        Assert.DoesNotContain("#r ", program, StringComparison.Ordinal);
        Assert.DoesNotContain("#:project", program, StringComparison.Ordinal);
        Assert.Contains("using BertFineTune.Pipelines;", program, StringComparison.Ordinal);
        Assert.Contains("new TrainPipeline(log, progress).RunAsync(", program, StringComparison.Ordinal);
        Assert.Contains("BERTFT_NOTEBOOK_MODEL", program, StringComparison.Ordinal);
    }

    [Fact]
    public void A_given_feed_replaces_the_notebooks_package_folder()
    {
        var program = NotebookProgram.FromNotebook(Notebook, "/feed");

        Assert.Contains("#:property RestoreAdditionalProjectSources=/feed\n", program, StringComparison.Ordinal);
        Assert.DoesNotContain("artifacts", program, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reference_to_a_build_output_is_refused()
    {
        using var dir = new TempDirectory();
        var notebook = Path.Combine(dir.Path, "old.ipynb");
        File.WriteAllText(notebook, """
            {"cells": [{"cell_type": "code", "source": ["#r \"../../src/BertFineTune.Cli/bin/Release/net10.0/BertFineTune.Core.dll\"\n", "using BertFineTune.Config;"]}]}
            """);

        var error = Assert.Throws<InvalidDataException>(() => NotebookProgram.FromNotebook(notebook));

        Assert.Contains("BertFineTune.Core.dll", error.Message, StringComparison.Ordinal);
        Assert.Contains("#r \"nuget: Id, Version\"", error.Message, StringComparison.Ordinal);
    }
}
