using System;

namespace BertFineTune.Config.Generator;

/// <summary>One emitted source file, as equatable data.</summary>
internal sealed class GeneratedFile : IEquatable<GeneratedFile>
{
    public GeneratedFile(string hintName, string source)
    {
        HintName = hintName;
        Source = source;
    }

    public string HintName { get; }

    public string Source { get; }

    public bool Equals(GeneratedFile? other) => other is not null && HintName == other.HintName && Source == other.Source;

    public override bool Equals(object? obj) => Equals(obj as GeneratedFile);

    public override int GetHashCode() => HintName.GetHashCode() * 31 + Source.GetHashCode();
}
