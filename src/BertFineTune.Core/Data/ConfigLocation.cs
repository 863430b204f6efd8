namespace BertFineTune.Data;

/// <summary>
/// Where a value came from in the user's config, so a data error can point at the YAML line that named the file.
/// </summary>
/// <param name="ConfigFile">The config file path (as the user gave it, or absolute).</param>
/// <param name="Line">1-based line of the value in <paramref name="ConfigFile"/>, if known.</param>
/// <param name="Column">1-based column of the value, if known.</param>
/// <param name="KeyPath">The key path, for example <c>dataset[1].filepath</c>.</param>
public sealed record ConfigLocation(string? ConfigFile, int? Line, int? Column, string KeyPath);
