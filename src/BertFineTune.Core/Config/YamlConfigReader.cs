using BertFineTune.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
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
            // A streaming pass first: nesting and alias counts are checked on parser events, before the tree is built.
            if (CheckStructure(yaml, file) is UserError structure)
            {
                errors.Add(structure);
                return new ConfigScalar(null, true, new SourceLocation(file, 1, 1));
            }

            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            var message = (e.InnerException?.Message ?? e.Message).Trim();
            errors.Add(message.StartsWith("Duplicate key", StringComparison.Ordinal)
                ? new UserError(ConfigErrorCodes.DuplicateKey, $"key '{message["Duplicate key".Length..].Trim()}' appears twice in the same mapping; keep one.", file, (int)e.Start.Line, (int)e.Start.Column)
                : IndentationTab(yaml, e, file) ?? new UserError(ConfigErrorCodes.YamlSyntax, $"invalid YAML: {Describe(message)}", file, (int)e.Start.Line, (int)e.Start.Column));
            return new ConfigScalar(null, true, new SourceLocation(file, 1, 1));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or OverflowException)
        {
            // YamlDotNet's tree builder throws these on some malformed documents the parser accepted (found by fuzzing).
            errors.Add(new UserError(ConfigErrorCodes.YamlSyntax, $"invalid YAML: {e.Message.TrimEnd('.')}. Check the anchors (&name), aliases (*name) and tags (!!type) in the file.", file, 1, 1));
            return new ConfigScalar(null, true, new SourceLocation(file, 1, 1));
        }

        if (stream.Documents.Count > 1)
        {
            var second = stream.Documents[1].RootNode.Start;
            errors.Add(new UserError(ConfigErrorCodes.YamlSyntax, "the file holds more than one YAML document (---); keep one config per file.", file, (int)second.Line, (int)second.Column));
        }

        if (stream.Documents.Count == 0)
        {
            return new ConfigScalar(null, true, new SourceLocation(file, 1, 1));
        }

        try
        {
            return Convert(stream.Documents[0].RootNode, file, string.Empty, environment, errors, new Expansion(), 0);
        }
        catch (ExpansionLimitException e)
        {
            errors.Add(e.Error);
            return new ConfigScalar(null, true, new SourceLocation(file, 1, 1));
        }
    }

    /// <summary>Reads a YAML fragment such as a <c>--set</c> value; every node gets <paramref name="location"/>.</summary>
    public static ConfigNode ReadFragment(string yaml, SourceLocation location)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Count == 0 ? new ConfigScalar(null, true, location) : Relocate(stream.Documents[0].RootNode, location);
    }

    private static ConfigNode Convert(YamlNode node, string file, string path, Func<string, string?> environment, List<UserError> errors, Expansion expansion, int depth)
    {
        var location = new SourceLocation(file, (int)node.Start.Line, (int)node.Start.Column);
        expansion.Visit(depth, location);
        switch (node)
        {
            case YamlMappingNode mapping:
                var entries = new List<ConfigEntry>();
                var keys = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (keyNode, valueNode) in mapping.Children)
                {
                    var keyLocation = new SourceLocation(file, (int)keyNode.Start.Line, (int)keyNode.Start.Column);
                    if (keyNode is not YamlScalarNode { Value: { } key })
                    {
                        errors.Add(keyLocation.Error(ConfigErrorCodes.WrongType, "keys must be plain names such as epochs, not lists or mappings.", path));
                        continue;
                    }

                    if (!keys.Add(key))
                    {
                        errors.Add(keyLocation.Error(ConfigErrorCodes.DuplicateKey, $"key '{key}' appears twice; keep one.", ConfigPath.Join(path, key)));
                        continue;
                    }

                    entries.Add(new ConfigEntry(key, keyLocation, Convert(valueNode, file, ConfigPath.Join(path, key), environment, errors, expansion, depth + 1)));
                }

                return new ConfigMapping(entries, location);
            case YamlSequenceNode sequence:
                return new ConfigSequence(sequence.Children.Select((item, i) => Convert(item, file, ConfigPath.Index(path, i), environment, errors, expansion, depth + 1)).ToList(), location);
            case YamlScalarNode scalar:
                var plain = scalar.Style is ScalarStyle.Plain or ScalarStyle.Any;
                var raw = scalar.Value ?? string.Empty;
                expansion.AddText(raw.Length, location);
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

    /// <summary>
    /// Nesting depth and alias uses, counted on the parser's events (no tree, no recursion), so a file nested thousands
    /// deep or holding thousands of aliases is refused before anything recursive reads it.
    /// </summary>
    private static UserError? CheckStructure(string yaml, string file)
    {
        var parser = new Parser(new StringReader(yaml));
        var aliases = 0;
        // Anchors of finished nodes may be aliased; an anchor whose collection is still open (on this stack) may not:
        // such an alias makes the node contain itself, and YamlDotNet's hashing of a self-containing key overflows the stack.
        var complete = new HashSet<string>(StringComparer.Ordinal);
        var open = new Stack<string?>();
        while (parser.MoveNext())
        {
            var current = parser.Current;
            switch (current)
            {
                case AnchorAlias alias when open.Contains(alias.Value.Value):
                    return new UserError(ConfigErrorCodes.YamlSyntax, $"invalid YAML: the alias *{alias.Value.Value} is inside the value anchored as &{alias.Value.Value}, so that value would contain itself; write the value out instead.", file, (int)alias.Start.Line, (int)alias.Start.Column);
                case AnchorAlias alias when !complete.Contains(alias.Value.Value):
                    return new UserError(ConfigErrorCodes.YamlSyntax, $"invalid YAML: the alias *{alias.Value.Value} refers to no anchor &{alias.Value.Value} written before it; define the anchor first, or write the value out.", file, (int)alias.Start.Line, (int)alias.Start.Column);
                case AnchorAlias when ++aliases > YamlLimits.MaxAliases:
                    return Limit(file, current.Start, $"the YAML uses more than {YamlLimits.MaxAliases} aliases (*name); write the values out, or use fewer anchors.");
                case MappingStart or SequenceStart when open.Count >= YamlLimits.MaxDepth:
                    return Limit(file, current.Start, $"the YAML nests more than {YamlLimits.MaxDepth} levels deep; a config nests four. Flatten the structure.");
                case NodeEvent { Anchor.IsEmpty: false } collection and (MappingStart or SequenceStart):
                    open.Push(collection.Anchor.Value);
                    break;
                case MappingStart or SequenceStart:
                    open.Push(null);
                    break;
                case MappingEnd or SequenceEnd when open.Count > 0:
                    if (open.Pop() is string finished)
                    {
                        complete.Add(finished);
                    }

                    break;
                case NodeEvent { Anchor.IsEmpty: false } scalar:
                    complete.Add(scalar.Anchor.Value);
                    break;
            }
        }

        return null;
    }

    private static UserError Limit(string file, Mark at, string message) =>
        new(ConfigErrorCodes.YamlLimit, message, file, (int)at.Line, (int)at.Column);

    /// <summary>
    /// YamlDotNet reports a tab in indentation where the scalar before it started; the tab itself is what to fix, so
    /// point at the first indenting tab on or after the line of the error (else anywhere in the file).
    /// </summary>
    private static UserError? IndentationTab(string yaml, YamlException e, string file)
    {
        var lines = yaml.Split('\n');
        (int Line, int Column)? first = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t', 0, indent);
            if (tab >= 0 && (first is null || (first.Value.Line < e.Start.Line && i + 1 >= e.Start.Line)))
            {
                first = (i + 1, tab + 1);
            }
        }

        var message = e.InnerException?.Message ?? e.Message;
        return first is { } at && message.Contains("tab", StringComparison.OrdinalIgnoreCase)
            ? new UserError(ConfigErrorCodes.YamlSyntax, "a tab is used for indentation; YAML indents with spaces only. Replace the tab with spaces.", file, at.Line, at.Column)
            : null;
    }

    /// <summary>Counts the tree as it is converted, alias targets once per use, and stops at the limits (a "billion laughs" file).</summary>
    private sealed class Expansion
    {
        private int _nodes;
        private long _chars;

        public void Visit(int depth, SourceLocation at)
        {
            // Aliases can nest an anchored tree inside itself again and again, so depth is checked on the expanded tree too.
            if (depth > YamlLimits.MaxDepth)
            {
                Stop(at, $"expanding the YAML's aliases nests more than {YamlLimits.MaxDepth} levels deep (an alias that contains itself does this); write the values out.");
            }

            if (++_nodes > YamlLimits.MaxExpandedNodes)
            {
                Stop(at, $"expanding the YAML's aliases gives more than {YamlLimits.MaxExpandedNodes.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} values (an alias bomb looks like this); write the values out instead of nesting aliases.");
            }
        }

        public void AddText(int length, SourceLocation at)
        {
            _chars += length;
            if (_chars > YamlLimits.MaxExpandedChars)
            {
                Stop(at, $"expanding the YAML's aliases gives more than {YamlLimits.MaxExpandedChars / (1024 * 1024)} Mi characters of text (an alias bomb looks like this); write the values out instead of nesting aliases.");
            }
        }

        private static void Stop(SourceLocation at, string message) =>
            throw new ExpansionLimitException(new UserError(ConfigErrorCodes.YamlLimit, message, at.File, at.Line, at.Column));
    }

    private sealed class ExpansionLimitException(UserError error) : Exception(error.Message)
    {
        public UserError Error { get; } = error;
    }

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
