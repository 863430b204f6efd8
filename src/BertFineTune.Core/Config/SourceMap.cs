using BertFineTune.Diagnostics;

namespace BertFineTune.Config;

/// <summary>
/// Key path → where its value is written (YAML line/column or the <c>--set</c> argument), so any later stage can point
/// at the config line: <c>sources.Error("dataset[1].filepath", "BFT101", "file not found")</c>.
/// </summary>
public sealed class SourceMap
{
    private readonly Dictionary<string, SourceLocation> _values;
    private readonly Dictionary<string, SourceLocation> _keys;

    public SourceMap(string configPath, IReadOnlyDictionary<string, SourceLocation> values, IReadOnlyDictionary<string, SourceLocation> keys)
    {
        FilePath = configPath;
        _values = new Dictionary<string, SourceLocation>(values, StringComparer.Ordinal);
        _keys = new Dictionary<string, SourceLocation>(keys, StringComparer.Ordinal);
    }

    /// <summary>The config file the map describes.</summary>
    public string FilePath { get; }

    /// <summary>Builds the map of a node tree; <c>dataset[0].filepath</c> style paths, 0-based indexes.</summary>
    public static SourceMap Build(string configPath, ConfigNode root)
    {
        var values = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        var keys = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        Walk(root, string.Empty, values, keys);
        return new SourceMap(configPath, values, keys);
    }

    /// <summary>Where the value of <paramref name="key"/> is written, if it is written at all.</summary>
    public bool TryGet(string key, out SourceLocation location) => _values.TryGetValue(key, out location!);

    /// <summary>Where <paramref name="key"/> itself (the name before the colon) is written.</summary>
    public bool TryGetKey(string key, out SourceLocation location) => _keys.TryGetValue(key, out location!);

    /// <summary>
    /// The best location for <paramref name="key"/>: its value, else the nearest written parent (a key left at its
    /// default points at its section), else the start of the file.
    /// </summary>
    public SourceLocation Locate(string key)
    {
        for (var current = key; ; current = Parent(current))
        {
            if (_values.TryGetValue(current, out var location))
            {
                return location;
            }

            if (current.Length == 0)
            {
                return new SourceLocation(FilePath, 1, 1);
            }
        }
    }

    /// <summary>An error about <paramref name="key"/> that points at its line in the config.</summary>
    public UserError Error(string key, string code, string message, Severity severity = Severity.Error) =>
        Locate(key).Error(code, message, key, severity);

    /// <summary>Adds file, line and column to an error that has only a key path.</summary>
    public UserError Attach(UserError error)
    {
        if (error.File is not null || error.Key is null)
        {
            return error;
        }

        var at = Locate(error.Key);
        return error with { File = at.File, Line = at.Line, Column = at.Column };
    }

    internal static string Parent(string key)
    {
        var cut = Math.Max(key.LastIndexOf('.'), key.LastIndexOf('['));
        return cut < 0 ? string.Empty : key[..cut];
    }

    private static void Walk(ConfigNode node, string path, Dictionary<string, SourceLocation> values, Dictionary<string, SourceLocation> keys)
    {
        values[path] = node.Location;
        switch (node)
        {
            case ConfigMapping mapping:
                foreach (var entry in mapping.Entries)
                {
                    var key = ConfigPath.Join(path, entry.Key);
                    keys[key] = entry.KeyLocation;
                    Walk(entry.Value, key, values, keys);
                }

                break;
            case ConfigSequence sequence:
                for (var i = 0; i < sequence.Items.Count; i++)
                {
                    Walk(sequence.Items[i], ConfigPath.Index(path, i), values, keys);
                }

                break;
        }
    }
}
