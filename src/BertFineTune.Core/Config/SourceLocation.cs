using BertFineTune.Diagnostics;

namespace BertFineTune.Config;

/// <summary>
/// Where a config value came from: a YAML file position (1-based line and column), or a <c>--set</c> argument
/// (then <see cref="File"/> is <c>--set key=value</c> and there is no line).
/// </summary>
public sealed record SourceLocation(string File, int? Line = null, int? Column = null)
{
    /// <summary>A <see cref="UserError"/> that points here.</summary>
    public UserError Error(string code, string message, string? key = null, Severity severity = Severity.Error) =>
        new(code, message, File, Line, Column, key, severity);

    public override string ToString() => Line is null ? File : Column is null ? $"{File}({Line})" : $"{File}({Line},{Column})";
}
