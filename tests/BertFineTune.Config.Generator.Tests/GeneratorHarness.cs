using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace BertFineTune.Config.Generator.Tests;

/// <summary>An in-memory AdditionalFile, the way MSBuild hands config.schema.json to the generator.</summary>
internal sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
}

/// <summary>Runs <see cref="ConfigGenerator"/> through a plain <see cref="CSharpGeneratorDriver"/>.</summary>
internal static class GeneratorHarness
{
    public const string SchemaPath = "/repo/config.schema.json";

    public static string SampleSchema => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Schemas", "sample.schema.json"));

    /// <summary>
    /// Every assembly of the running framework plus Core (the generated code's runtime helpers) and the TorchSharp-free
    /// BertFineTune.Text that holds <see cref="BertFineTune.Diagnostics.UserError"/>.
    /// </summary>
    public static ImmutableArray<MetadataReference> References { get; } =
    [
        .. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)),
        MetadataReference.CreateFromFile(typeof(BertFineTune.Diagnostics.UserError).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(BertFineTune.Config.ConfigNode).Assembly.Location),
    ];

    public static CSharpCompilation EmptyCompilation() => CSharpCompilation.Create(
        "GeneratedConfigUnderTest",
        [CSharpSyntaxTree.ParseText("namespace Probe; internal static class Marker { }", new CSharpParseOptions(LanguageVersion.Latest))],
        References,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver(string schemaText) => CSharpGeneratorDriver.Create(
        [new ConfigGenerator().AsSourceGenerator()],
        additionalTexts: [new InMemoryAdditionalText(SchemaPath, schemaText)],
        parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static (GeneratorDriverRunResult Result, Compilation Output) Run(string schemaText)
    {
        var driver = CreateDriver(schemaText).RunGeneratorsAndUpdateCompilation(EmptyCompilation(), out var output, out _);
        return (driver.GetRunResult(), output);
    }
}
