using Microsoft.CodeAnalysis;

namespace BertFineTune.Config.Generator.Tests;

public class SchemaDiagnosticsTests
{
    private const string Wrapper = """
        {
          "title": "Probe",
          "description": "d",
          "type": "object",
          "additionalProperties": false,
          "properties": {
            PROPERTY
          }
        }
        """;

    private static Diagnostic SingleDiagnostic(string property)
    {
        var (result, _) = GeneratorHarness.Run(Wrapper.Replace("PROPERTY", property, StringComparison.Ordinal));
        Assert.Empty(result.Results.Single().GeneratedSources);
        return Assert.Single(result.Diagnostics);
    }

    [Fact]
    public void An_unsupported_keyword_is_an_error_at_its_line()
    {
        var diagnostic = SingleDiagnostic("""
            "name": { "type": "string", "default": "a", "pattern": "^[a-z]+$", "description": "d" }
            """);

        Assert.Equal("BFTGEN002", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Contains("'pattern'", diagnostic.GetMessage());
        var span = diagnostic.Location.GetLineSpan();
        Assert.Equal(GeneratorHarness.SchemaPath, span.Path);
        Assert.Equal(6, span.StartLinePosition.Line); // 0-based: the 7th line holds the property
    }

    [Fact]
    public void A_combinator_such_as_oneOf_is_reported_not_ignored()
    {
        var diagnostic = SingleDiagnostic("""
            "name": { "oneOf": [{ "type": "string" }, { "type": "integer" }], "type": "string", "default": "a", "description": "d" }
            """);

        Assert.Equal("BFTGEN002", diagnostic.Id);
        Assert.Contains("'oneOf'", diagnostic.GetMessage());
    }

    [Fact]
    public void A_key_without_a_default_is_an_error()
    {
        var diagnostic = SingleDiagnostic("""
            "epochs": { "type": "integer", "description": "d" }
            """);

        Assert.Equal("BFTGEN003", diagnostic.Id);
        Assert.Contains("needs a 'default'", diagnostic.GetMessage());
    }

    [Fact]
    public void An_open_object_is_an_error()
    {
        var diagnostic = SingleDiagnostic("""
            "section": { "type": "object", "default": {}, "description": "d", "properties": { "a": { "type": "boolean", "default": true, "description": "d" } } }
            """);

        Assert.Equal("BFTGEN003", diagnostic.Id);
        Assert.Contains("additionalProperties", diagnostic.GetMessage());
    }

    [Fact]
    public void A_default_outside_the_range_is_an_error()
    {
        var diagnostic = SingleDiagnostic("""
            "epochs": { "type": "integer", "default": 0, "minimum": 1, "description": "d" }
            """);

        Assert.Equal("BFTGEN003", diagnostic.Id);
        Assert.Contains("outside the allowed range", diagnostic.GetMessage());
    }

    [Fact]
    public void Malformed_json_is_reported_with_its_position()
    {
        var (result, _) = GeneratorHarness.Run("{\n  \"title\": \"Probe\",\n  \"type\" \"object\"\n}");

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("BFTGEN001", diagnostic.Id);
        Assert.Equal(2, diagnostic.Location.GetLineSpan().StartLinePosition.Line);
    }
}
