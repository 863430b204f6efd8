using BertFineTune.Integration.Tests.Support;

namespace BertFineTune.Integration.Tests.Notebooks;

/// <summary>The notebook-to-file-based-app conversion that lets CI run the notebook's code without Jupyter.</summary>
public sealed class NotebookProgramTests
{
    private static string Notebook => Path.Combine(RepoPaths.Root, "examples", "notebooks", "pipeline.ipynb");

    [Fact]
    public void Extracted_program_references_core_and_keeps_every_code_cell()
    {
        var program = NotebookProgram.FromNotebook(Notebook, "/repo/src/BertFineTune.Core/BertFineTune.Core.csproj");

        Assert.StartsWith("#:project /repo/src/BertFineTune.Core/BertFineTune.Core.csproj\n", program, StringComparison.Ordinal);
        Assert.DoesNotContain("#r ", program, StringComparison.Ordinal);
        Assert.Contains("using BertFineTune.Config;", program, StringComparison.Ordinal);
        Assert.Contains("new BertFineTuneConfig", program, StringComparison.Ordinal);
        Assert.Contains("Bertft(\"train\", configPath);", program, StringComparison.Ordinal);
    }
}
