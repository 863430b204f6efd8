namespace BertFineTune.Config;

/// <summary>
/// A YAML value with its source position, after <c>${VAR}</c> interpolation and <c>--set</c> overrides:
/// the tree the generated <c>Bind</c> methods read.
/// </summary>
public abstract record ConfigNode(SourceLocation Location);

/// <summary>A scalar.</summary>
/// <param name="Value">The text; null for YAML null (<c>null</c>, <c>~</c> or nothing after the colon).</param>
/// <param name="IsPlain">Unquoted: only plain scalars are read as numbers or booleans, as YAML itself does.</param>
/// <param name="Location">Where the scalar starts.</param>
/// <param name="HadVariables">The text contained <c>${VAR}</c> references (so it is not a literal secret).</param>
public sealed record ConfigScalar(string? Value, bool IsPlain, SourceLocation Location, bool HadVariables = false) : ConfigNode(Location);

/// <summary>A mapping, its entries in document order.</summary>
public sealed record ConfigMapping(IReadOnlyList<ConfigEntry> Entries, SourceLocation Location) : ConfigNode(Location)
{
    public ConfigEntry? Find(string key) => Entries.FirstOrDefault(e => e.Key == key);
}

/// <summary>A sequence.</summary>
public sealed record ConfigSequence(IReadOnlyList<ConfigNode> Items, SourceLocation Location) : ConfigNode(Location);

/// <summary>One <c>key: value</c> of a mapping.</summary>
public sealed record ConfigEntry(string Key, SourceLocation KeyLocation, ConfigNode Value);
