using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BertFineTune.MSBuild;

/// <summary>
/// The few facts MSBuild needs from a bertft config to decide whether training is up to date: which files it reads
/// and where the model lands. Everything else (and every error message about the config) stays with <c>bertft</c>.
/// </summary>
/// <param name="InputFiles">Dataset files and the normalization file, absolute, in config order.</param>
/// <param name="OutputDirectory">The absolute <c>training.output_dir</c>.</param>
/// <param name="Readable">False when the YAML could not be parsed; then bertft reports the error itself.</param>
public sealed record FineTuneConfigInputs(IReadOnlyList<string> InputFiles, string OutputDirectory, bool Readable)
{
    /// <summary>The original pipeline's default for <c>training.output_dir</c>, relative to the config's folder.</summary>
    public const string DefaultOutputDir = ".cache/output";

    /// <summary>The trained model's weights, the one output MSBuild compares timestamps against.</summary>
    public string ModelFile => Path.Combine(OutputDirectory, "model", "model.safetensors");

    /// <summary>Reads <paramref name="configPath"/>; paths in it are relative to its folder, as bertft reads them.</summary>
    /// <param name="configPath">The bertft YAML file.</param>
    /// <param name="outputDirOverride">BertFineTuneOutputDir, when set; relative to <paramref name="baseDirectory"/>.</param>
    /// <param name="baseDirectory">Where a relative <paramref name="outputDirOverride"/> is anchored (the project folder).</param>
    /// <param name="environment">Looks up <c>${VAR}</c> references, as bertft interpolates them.</param>
    public static FineTuneConfigInputs Read(string configPath, string? outputDirOverride, string baseDirectory, Func<string, string?> environment)
    {
        var configDir = Path.GetDirectoryName(Path.GetFullPath(configPath)) ?? baseDirectory;
        var overrideDir = string.IsNullOrWhiteSpace(outputDirOverride) ? null : Path.GetFullPath(Path.Combine(baseDirectory, outputDirOverride!));

        YamlMappingNode? root;
        try
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(configPath))
            {
                stream.Load(reader);
            }

            root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode as YamlMappingNode;
        }
        catch (YamlException)
        {
            return new FineTuneConfigInputs([], overrideDir ?? Path.GetFullPath(Path.Combine(configDir, DefaultOutputDir)), Readable: false);
        }

        string? Resolve(string? value) => string.IsNullOrWhiteSpace(value) ? null : Path.GetFullPath(Path.Combine(configDir, Interpolation.Expand(value!, environment)));

        var inputs = new List<string>();
        foreach (var entry in Entries(Child(root, "dataset")))
        {
            var file = Resolve(Scalar(Child(entry, "filepath")));
            if (file is not null)
            {
                inputs.Add(file);
            }
        }

        var normalization = Child(Child(root, "preprocessing"), "normalization");
        if (IsTrue(Scalar(Child(normalization, "enabled"))))
        {
            var file = Resolve(Scalar(Child(normalization, "filepath")));
            if (file is not null)
            {
                inputs.Add(file);
            }
        }

        var outputDir = overrideDir
            ?? Resolve(Scalar(Child(Child(root, "training"), "output_dir")))
            ?? Path.GetFullPath(Path.Combine(configDir, DefaultOutputDir));
        return new FineTuneConfigInputs(inputs.Distinct(StringComparer.Ordinal).ToList(), outputDir, Readable: true);
    }

    private static YamlNode? Child(YamlNode? node, string key) =>
        node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? Scalar(YamlNode? node) => (node as YamlScalarNode)?.Value;

    // `dataset` is a list of entries; a single mapping is read as a list of one.
    private static IEnumerable<YamlNode> Entries(YamlNode? node) => node switch
    {
        YamlSequenceNode sequence => sequence.Children,
        YamlMappingNode mapping => [mapping],
        _ => [],
    };

    private static bool IsTrue(string? value) =>
        value is not null && (value.Equals("true", StringComparison.OrdinalIgnoreCase)
            || value.Equals("yes", StringComparison.OrdinalIgnoreCase)
            || value.Equals("on", StringComparison.OrdinalIgnoreCase));
}
