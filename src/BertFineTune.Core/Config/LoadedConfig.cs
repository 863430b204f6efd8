using BertFineTune.Diagnostics;

namespace BertFineTune.Config;

/// <summary>A validated config and where it came from.</summary>
/// <param name="Config">The effective config: YAML + <c>--set</c> overrides + credential fallbacks, validated.</param>
/// <param name="ConfigPath">Full path of the YAML file.</param>
/// <param name="BaseDirectory">The folder relative paths in the config are resolved against (the YAML file's folder).</param>
/// <param name="Warnings">Warnings (<see cref="Severity.Warning"/>) to print; the config is usable.</param>
/// <param name="Sources">Key path → YAML line/column, for errors found by later stages.</param>
public sealed record LoadedConfig(BertFineTuneConfig Config, string ConfigPath, string BaseDirectory, IReadOnlyList<UserError> Warnings, SourceMap Sources)
{
    /// <summary>A path from the config (for example <c>dataset[0].filepath</c>'s value) made absolute against <see cref="BaseDirectory"/>.</summary>
    public string ResolvePath(string path) => System.IO.Path.GetFullPath(System.IO.Path.Combine(BaseDirectory, path));

    /// <summary>The effective settings for display, secrets masked.</summary>
    public IReadOnlyList<ConfigSetting> Describe() => Config.Describe();
}
