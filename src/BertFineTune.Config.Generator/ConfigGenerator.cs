using System;
using System.IO;
using System.Linq;
using BertFineTune.Config.Generator.Emit;
using BertFineTune.Config.Generator.Schema;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace BertFineTune.Config.Generator;

/// <summary>
/// Reads <c>config.schema.json</c> from AdditionalFiles and emits the typed config into <c>BertFineTune.Config</c>:
/// one sealed record per object, one enum (+ <c>{Enum}Yaml</c> mapping) per string enum, with <c>Validate()</c>,
/// <c>Bind</c> and <c>Describe()</c>. Schema features it cannot honour are BFTGEN002 errors, never silently skipped.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ConfigGenerator : IIncrementalGenerator
{
    public const string SchemaFileName = "config.schema.json";

    internal static readonly DiagnosticDescriptor InvalidJson = new(
        "BFTGEN001", "config.schema.json is not valid JSON", "{0}", "BertFineTune.Config", DiagnosticSeverity.Error, isEnabledByDefault: true);

    internal static readonly DiagnosticDescriptor Unsupported = new(
        "BFTGEN002", "Unsupported schema feature", "{0}", "BertFineTune.Config", DiagnosticSeverity.Error, isEnabledByDefault: true);

    internal static readonly DiagnosticDescriptor Invalid = new(
        "BFTGEN003", "Invalid config schema", "{0}", "BertFineTune.Config", DiagnosticSeverity.Error, isEnabledByDefault: true);

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var schemaTexts = context.AdditionalTextsProvider
            .Where(static file => string.Equals(Path.GetFileName(file.Path), SchemaFileName, StringComparison.OrdinalIgnoreCase))
            .Select(static (file, cancellationToken) => new SchemaSource(file.Path, file.GetText(cancellationToken)?.ToString() ?? string.Empty))
            .WithTrackingName(TrackingNames.SchemaText);

        var results = schemaTexts
            .Select(static (source, _) => Generate(source))
            .WithTrackingName(TrackingNames.Generated);

        context.RegisterSourceOutput(results, static (output, result) =>
        {
            foreach (var diagnostic in result.Diagnostics)
            {
                output.ReportDiagnostic(ToDiagnostic(result.Path, diagnostic));
            }

            foreach (var file in result.Files)
            {
                output.AddSource(file.HintName, SourceText.From(file.Source, System.Text.Encoding.UTF8));
            }
        });
    }

    internal static GenerationResult Generate(SchemaSource source)
    {
        var (model, diagnostics) = SchemaParser.Parse(source.Text);
        if (model is null)
        {
            return new GenerationResult(source.Path, new EquatableArray<GeneratedFile>(Array.Empty<GeneratedFile>()), new EquatableArray<SchemaDiagnostic>(diagnostics));
        }

        var files = model.Records.Select(r => new GeneratedFile(r.Name + ".g.cs", RecordEmitter.Emit(r)))
            .Concat(model.Enums.Select(e => new GeneratedFile(e.Name + ".g.cs", EnumEmitter.Emit(e))));
        return new GenerationResult(source.Path, new EquatableArray<GeneratedFile>(files), new EquatableArray<SchemaDiagnostic>(diagnostics));
    }

    private static Diagnostic ToDiagnostic(string path, SchemaDiagnostic diagnostic)
    {
        var descriptor = diagnostic.Id switch
        {
            "BFTGEN001" => InvalidJson,
            "BFTGEN002" => Unsupported,
            _ => Invalid,
        };
        var position = new LinePosition(Math.Max(0, diagnostic.Line - 1), Math.Max(0, diagnostic.Column - 1));
        var location = Location.Create(path, default, new LinePositionSpan(position, position));
        return Diagnostic.Create(descriptor, location, diagnostic.Message);
    }
}

/// <summary>Step names the incremental-caching test looks up.</summary>
internal static class TrackingNames
{
    public const string SchemaText = nameof(SchemaText);
    public const string Generated = nameof(Generated);
}

/// <summary>The schema file's path and text: the pipeline's only input, compared by value.</summary>
internal sealed class SchemaSource : IEquatable<SchemaSource>
{
    public SchemaSource(string path, string text)
    {
        Path = path;
        Text = text;
    }

    public string Path { get; }

    public string Text { get; }

    public bool Equals(SchemaSource? other) => other is not null && Path == other.Path && Text == other.Text;

    public override bool Equals(object? obj) => Equals(obj as SchemaSource);

    public override int GetHashCode() => Path.GetHashCode() * 31 + Text.GetHashCode();
}

/// <summary>What one schema produced: files or diagnostics, as equatable data.</summary>
internal sealed class GenerationResult : IEquatable<GenerationResult>
{
    public GenerationResult(string path, EquatableArray<GeneratedFile> files, EquatableArray<SchemaDiagnostic> diagnostics)
    {
        Path = path;
        Files = files;
        Diagnostics = diagnostics;
    }

    public string Path { get; }

    public EquatableArray<GeneratedFile> Files { get; }

    public EquatableArray<SchemaDiagnostic> Diagnostics { get; }

    public bool Equals(GenerationResult? other) =>
        other is not null && Path == other.Path && Files.Equals(other.Files) && Diagnostics.Equals(other.Diagnostics);

    public override bool Equals(object? obj) => Equals(obj as GenerationResult);

    public override int GetHashCode() => Path.GetHashCode() * 31 + Files.GetHashCode();
}
