using System;

namespace BertFineTune.Config.Generator.Schema;

/// <summary>
/// A problem found in the schema, as plain equatable data: Roslyn <c>Diagnostic</c>s hold locations that break
/// incremental caching, so the pipeline carries these and converts them at the end.
/// </summary>
internal sealed class SchemaDiagnostic : IEquatable<SchemaDiagnostic>
{
    public SchemaDiagnostic(string id, string message, int line, int column)
    {
        Id = id;
        Message = message;
        Line = line;
        Column = column;
    }

    public string Id { get; }

    public string Message { get; }

    public int Line { get; }

    public int Column { get; }

    public bool Equals(SchemaDiagnostic? other) =>
        other is not null && Id == other.Id && Message == other.Message && Line == other.Line && Column == other.Column;

    public override bool Equals(object? obj) => Equals(obj as SchemaDiagnostic);

    public override int GetHashCode() => (Id.GetHashCode() * 31 + Message.GetHashCode()) * 31 + Line * 7 + Column;
}
