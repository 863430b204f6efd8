using System.Text.RegularExpressions;
using BertFineTune.Diagnostics;
using YamlDotNet.Core;

namespace BertFineTune.Config;

/// <summary>
/// <c>--set key.path=value</c>: replaces or adds one value in the YAML tree before binding, so it is checked exactly
/// like YAML. The value is read as YAML (<c>3</c>, <c>true</c>, <c>[0.7, 0.3]</c>, <c>null</c>). Its errors name the
/// argument as <c>--set key.path</c>, never the value (which may be a secret).
/// </summary>
public static partial class ConfigOverrides
{
    [GeneratedRegex(@"^(?<name>[A-Za-z0-9_]+)(?:\[(?<index>\d+)\])*$")]
    private static partial Regex Segment();

    public static ConfigNode Apply(ConfigNode root, IReadOnlyList<string> overrides, List<UserError> errors)
    {
        foreach (var argument in overrides)
        {
            root = ApplyOne(root, argument, errors);
        }

        return root;
    }

    private static ConfigNode ApplyOne(ConfigNode root, string argument, List<UserError> errors)
    {
        var equals = argument.IndexOf('=');
        if (equals <= 0)
        {
            // The argument is not echoed: without '=' it may be a pasted value (even a secret) rather than a key.
            errors.Add(new UserError(ConfigErrorCodes.BadOverride, "expected key.path=value, for example --set hyperparameters.epochs=5.", "--set"));
            return root;
        }

        var key = argument[..equals].Trim();
        var location = new SourceLocation($"--set {key}");
        var steps = ParsePath(key);
        if (steps is null)
        {
            errors.Add(location.Error(ConfigErrorCodes.BadOverride, "the key path must look like section.key or dataset[0].filepath (snake_case names, 0-based indexes)."));
            return root;
        }

        ConfigNode value;
        try
        {
            value = YamlConfigReader.ReadFragment(argument[(equals + 1)..], location);
        }
        catch (YamlException)
        {
            errors.Add(location.Error(ConfigErrorCodes.BadOverride, "the value is not valid YAML; quote it, for example --set 'base_model.model_id=\"org/name\"'.", key));
            return root;
        }

        return Set(root, steps, 0, value, location, key, errors) ?? root;
    }

    /// <summary>Path steps: a string is a mapping key, an int a list index.</summary>
    private static List<object>? ParsePath(string key)
    {
        var steps = new List<object>();
        foreach (var part in key.Split('.'))
        {
            var match = Segment().Match(part);
            if (!match.Success)
            {
                return null;
            }

            steps.Add(match.Groups["name"].Value);
            steps.AddRange(match.Groups["index"].Captures.Select(c => (object)int.Parse(c.Value, System.Globalization.CultureInfo.InvariantCulture)));
        }

        return steps;
    }

    private static ConfigNode? Set(ConfigNode node, List<object> steps, int at, ConfigNode value, SourceLocation location, string key, List<UserError> errors)
    {
        if (at == steps.Count)
        {
            return value;
        }

        if (steps[at] is string name)
        {
            // A missing or empty section becomes a mapping; a scalar in the way is an error.
            var mapping = node switch
            {
                ConfigMapping m => m,
                ConfigScalar { Value: null } => new ConfigMapping([], location),
                _ => null,
            };
            if (mapping is null)
            {
                errors.Add(location.Error(ConfigErrorCodes.BadOverride, $"cannot set '{name}' inside a value that is not a mapping.", key));
                return null;
            }

            var existing = mapping.Find(name);
            var child = Set(existing?.Value ?? new ConfigScalar(null, true, location), steps, at + 1, value, location, key, errors);
            if (child is null)
            {
                return null;
            }

            var entries = mapping.Entries.ToList();
            var replacement = new ConfigEntry(name, existing?.KeyLocation ?? location, child);
            if (existing is null)
            {
                entries.Add(replacement);
            }
            else
            {
                entries[entries.IndexOf(existing)] = replacement;
            }

            return mapping with { Entries = entries };
        }

        var index = (int)steps[at];
        var items = node switch
        {
            ConfigSequence s => s.Items.ToList(),
            ConfigScalar { Value: null } => [],
            _ => null,
        };
        if (items is null || index > items.Count)
        {
            var count = items?.Count ?? 0;
            errors.Add(location.Error(ConfigErrorCodes.BadOverride, $"index {index} is out of range: the list has {count} item{(count == 1 ? string.Empty : "s")}, so use 0 to {count} (where {count} appends).", key));
            return null;
        }

        var updated = Set(index < items.Count ? items[index] : new ConfigScalar(null, true, location), steps, at + 1, value, location, key, errors);
        if (updated is null)
        {
            return null;
        }

        if (index < items.Count)
        {
            items[index] = updated;
        }
        else
        {
            items.Add(updated);
        }

        return node is ConfigSequence sequence ? sequence with { Items = items } : new ConfigSequence(items, location);
    }
}
