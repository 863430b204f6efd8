using System;
using System.IO;
using System.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace BertFineTune.MSBuild;

/// <summary>Reads the files a bertft config trains from and where its model lands, for FineTune's Inputs/Outputs.</summary>
public sealed class ReadFineTuneConfig : Task
{
    /// <summary>The bertft YAML file.</summary>
    [Required]
    public string ConfigFile { get; set; } = string.Empty;

    /// <summary>BertFineTuneOutputDir: overrides <c>training.output_dir</c>; relative to <see cref="ProjectDirectory"/>.</summary>
    public string? OutputDir { get; set; }

    /// <summary>The consuming project's folder.</summary>
    [Required]
    public string ProjectDirectory { get; set; } = string.Empty;

    /// <summary>Dataset and normalization files, absolute.</summary>
    [Output]
    public ITaskItem[] InputFiles { get; private set; } = [];

    /// <summary>The absolute output folder.</summary>
    [Output]
    public string ResolvedOutputDir { get; private set; } = string.Empty;

    /// <summary><c>&lt;output&gt;/model/model.safetensors</c>.</summary>
    [Output]
    public string ModelFile { get; private set; } = string.Empty;

    public override bool Execute()
    {
        if (!File.Exists(ConfigFile))
        {
            Log.LogError(
                subcategory: null,
                errorCode: "BFT501",
                helpKeyword: null,
                file: ConfigFile,
                lineNumber: 0,
                columnNumber: 0,
                endLineNumber: 0,
                endColumnNumber: 0,
                message: "The bertft config was not found. Set the BertFineTuneConfig property to your config's path, or create one with 'bertft init bertft.yaml'.");
            return false;
        }

        var inputs = FineTuneConfigInputs.Read(ConfigFile, OutputDir, ProjectDirectory, Environment.GetEnvironmentVariable);
        if (!inputs.Readable)
        {
            Log.LogMessage(MessageImportance.Low, "{0} is not valid YAML; bertft train will report where.", ConfigFile);
        }

        InputFiles = inputs.InputFiles.Select(f => (ITaskItem)new TaskItem(f)).ToArray();
        ResolvedOutputDir = inputs.OutputDirectory;
        ModelFile = inputs.ModelFile;
        return true;
    }
}
