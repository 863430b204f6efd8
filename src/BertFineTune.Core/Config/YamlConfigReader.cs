using BertFineTune.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BertFineTune.Config;

/// <summary>
/// YAML text → <see cref="ConfigNode"/> tree with line/column on every node (YamlDotNet's representation model),
/// interpolating <c>${VAR}</c> in scalar values. Syntax errors stop reading; everything else is collected.
/// </summary>
public static class YamlConfigReader
{
    /// <summary>Reads one YAML document. An empty document is YAML null (every key at its default).</summary>
    public static ConfigNode Read(string yaml, string file, Func<string, string?> environment, List<UserError> errors)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            var message = (e.InnerException?.Message ?? e.Message).Trim();
            errors.Add(message.StartsWith("Duplicate key", StringComparison.Ordinal)
                ? new UserError(ConfigErrorCodes.DuplicateKey, $"key '{message["Duplicate key".Length..].Trim()}' appears twice in the same mapping; keep one.", file, (int)e.Start.Line, (int)e.Start.Column)
                : new UserError(ConfigErrorCodes.YamlSyntax, $"invalid YAML: {Describe(message)}", file, (int)e.Start.Line, (int)e.Start.Column));
            return new ConfigScalar(null, true, new SourceLocation(file, 1, 1));
        }

        if (stream.Documents.Count > 1)
        {
            var second = stream.Documents[1].RootNode.Start;
            errors.Add(new UserError(ConfigErrorCodes.YamlSyntax, "the file holds more than one YAML document (---); keep one config per file.", file, (int)second.Line, (int)second.Column));
        }

        return stream.Documents.Count == 0
            ? new ConfigScalar(null, true, new SourceLocation(file, 1, 1))
            : Convert(stream.Documents[0].RootNode, file, string.Empty, environment, errors);
    }

    /// <summary>Reads a YAML fragment such as a <c>--set</c> value; every node gets <paramref name="location"/>.</summary>
    public static ConfigNode ReadFragment(string yaml, SourceLocation location)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Count == 0 ? new ConfigScalar(null, true, location) : Relocate(stream.Documents[0].RootNode, location);
    }

    private static ConfigNode Convert(YamlNode node, string file, string path, Func<string, string?> environment, List<UserError> errors)
    {
        var location = new SourceLocation(file, (int)node.Start.Line, (int)node.Start.Column);
        switch (node)
        {
            case YamlMappingNode mapping:
                var entries = new List<ConfigEntry>();
                foreach (var (keyNode, valueNode) in mapping.Children)
                {
                    var keyLocation = new SourceLocation(file, (int)keyNode.Start.Line, (int)keyNode.Start.Column);
                    if (keyNode is not YamlScalarNode { Value: { } key })
                    {
                        errors.Add(keyLocation.Error(ConfigErrorCodes.WrongType, "keys must be plain names such as epochs, not lists or mappings.", path));
                        continue;
                    }

                    if (entries.Any(e => e.Key == key))
                    {
                        errors.Add(keyLocation.Error(ConfigErrorCodes.DuplicateKey, $"key '{key}' appears twice; keep one.", ConfigPath.Join(path, key)));
                        continue;
                    }

                    entries.Add(new ConfigEntry(key, keyLocation, Convert(valueNode, file, ConfigPath.Join(path, key), environment, errors)));
                }

                return new ConfigMapping(entries, location);
            case YamlSequenceNode sequence:
                return new ConfigSequence(sequence.Children.Select((item, i) => Convert(item, file, ConfigPath.Index(path, i), environment, errors)).ToList(), location);
            case YamlScalarNode scalar:
                var plain = scalar.Style is ScalarStyle.Plain or ScalarStyle.Any;
                var raw = scalar.Value ?? string.Empty;
                var hadVariables = EnvironmentInterpolation.HasReferences(raw);
                var text = EnvironmentInterpolation.Expand(raw, environment, location, path, errors);
                return new ConfigScalar(plain && IsNull(text) ? null : text, plain, location, hadVariables);
            default:
                errors.Add(location.Error(ConfigErrorCodes.YamlSyntax, "unsupported YAML node.", path));
                return new ConfigScalar(null, true, location);
        }
    }

    private static ConfigNode Relocate(YamlNode node, SourceLocation location) => node switch
    {
        YamlMappingNode mapping => new ConfigMapping(
            mapping.Children.Select(c => new ConfigEntry(((YamlScalarNode)c.Key).Value ?? string.Empty, location, Relocate(c.Value, location))).ToList(),
            location),
        YamlSequenceNode sequence => new ConfigSequence(sequence.Children.Select(c => Relocate(c, location)).ToList(), location),
        YamlScalarNode scalar => scalar.Style is ScalarStyle.Plain or ScalarStyle.Any
            ? new ConfigScalar(IsNull(scalar.Value ?? string.Empty) ? null : scalar.Value, true, location, HadVariables: true)
            : new ConfigScalar(scalar.Value ?? string.Empty, false, location, HadVariables: true),
        _ => new ConfigScalar(null, true, location),
    };

    /// <summary>YAML 1.2 core schema nulls.</summary>
    private static bool IsNull(string text) => text is "" or "~" or "null" or "Null" or "NULL";

    private static string Describe(string message)
    {
        // YamlDotNet prefixes positions ("(Line: 3, Col: 5, Idx: ...) - (...): ..."); we print our own.
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        var text = cut >= 0 ? message[(cut + 3)..] : message;
        return text.TrimEnd('.') + ". Check indentation (spaces, not tabs) and that every 'key: value' has a space after the colon.";
    }
}
