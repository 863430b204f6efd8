using System.Globalization;
using BertFineTune.Diagnostics;

namespace BertFineTune.Config;

/// <summary>
/// Reads typed values out of a <see cref="ConfigNode"/> tree for the generated <c>Bind</c> methods and collects
/// every type error, unknown key and bad enum value (with file:line:column) instead of stopping at the first.
/// </summary>
public sealed class ConfigBinder
{
    private readonly List<UserError> _errors = [];

    /// <summary>Reads one item of a list; the generated code passes a lambda per element type.</summary>
    public delegate bool ItemReader<T>(ConfigNode node, string key, out T value);

    /// <summary>Parses an enum's YAML spelling (the generated <c>{Enum}Yaml.TryParse</c>).</summary>
    public delegate bool EnumParser<T>(string text, out T value);

    public IReadOnlyList<UserError> Errors => _errors;

    /// <summary>The mapping to read an object from; YAML null (an empty section) means "all defaults".</summary>
    public ConfigMapping? BeginObject(ConfigNode node, string key)
    {
        switch (node)
        {
            case ConfigMapping mapping:
                return mapping;
            case ConfigScalar { Value: null }:
                return null;
            default:
                WrongType(node, key, "a mapping of keys (key: value lines)");
                return null;
        }
    }

    public void UnknownKey(ConfigEntry entry, string parentKey, IReadOnlyList<string> knownKeys)
    {
        var where = parentKey.Length == 0 ? "at the top level" : $"in {parentKey}";
        var suggestion = EditDistance.Closest(entry.Key, knownKeys);
        var hint = suggestion is not null
            ? $"did you mean {suggestion}?"
            : $"valid keys are {string.Join(", ", knownKeys)}.";
        _errors.Add(entry.KeyLocation.Error(ConfigErrorCodes.UnknownKey, $"unknown key '{entry.Key}' {where}; {hint}", ConfigPath.Join(parentKey, entry.Key)));
    }

    public bool TryObject<T>(ConfigNode node, string key, Func<ConfigNode, string, ConfigBinder, T> bind, out T value)
    {
        value = bind(node, key, this);
        return true;
    }

    public bool TryString(ConfigNode node, string key, out string value)
    {
        value = string.Empty;
        if (node is ConfigScalar { Value: { } text })
        {
            value = text;
            return true;
        }

        return WrongType(node, key, "text");
    }

    public bool TryNullableString(ConfigNode node, string key, out string? value)
    {
        value = null;
        return IsNull(node) || TryString(node, key, out value!);
    }

    public bool TryInt32(ConfigNode node, string key, out int value)
    {
        value = 0;
        if (node is ConfigScalar { IsPlain: true, Value: { } text }
            && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            if (number is < int.MinValue or > int.MaxValue)
            {
                _errors.Add(node.Location.Error(ConfigErrorCodes.OutOfRange, $"{text} is out of range: a whole number here must be between {int.MinValue.ToString(CultureInfo.InvariantCulture)} and {int.MaxValue.ToString(CultureInfo.InvariantCulture)}.", key));
                return false;
            }

            value = (int)number;
            return true;
        }

        if (node is ConfigScalar { IsPlain: true, Value: { } digits } && OutOfRange(digits, wholeNumber: true) is string range)
        {
            _errors.Add(node.Location.Error(ConfigErrorCodes.OutOfRange, range, key));
            return false;
        }

        return WrongType(node, key, "a whole number");
    }

    /// <summary>
    /// Why a number literal cannot be represented at all (too many digits for a whole number, past double's range), or
    /// null: "expected a number, found the number 1e999" would blame the type, when the trouble is the size.
    /// </summary>
    private static string? OutOfRange(string text, bool wholeNumber)
    {
        var trimmed = text.Trim();
        var digits = trimmed.TrimStart('+', '-');
        if (wholeNumber && digits.Length > 0 && digits.All(char.IsAsciiDigit))
        {
            return $"{Shorten(trimmed)} is out of range: a whole number here must be between {int.MinValue.ToString(CultureInfo.InvariantCulture)} and {int.MaxValue.ToString(CultureInfo.InvariantCulture)}.";
        }

        if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsInfinity(number))
        {
            return $"{Shorten(trimmed)} is out of range: numbers must lie within ±1.8e308 (the range of a double).";
        }

        return null;
    }

    public bool TryNullableInt32(ConfigNode node, string key, out int? value)
    {
        value = null;
        if (IsNull(node))
        {
            return true;
        }

        var ok = TryInt32(node, key, out var number);
        value = number;
        return ok;
    }

    public bool TryDouble(ConfigNode node, string key, out double value)
    {
        value = 0;
        if (node is ConfigScalar { IsPlain: true, Value: { } text }
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            && double.IsFinite(number))
        {
            value = number;
            return true;
        }

        if (node is ConfigScalar { IsPlain: true, Value: { } digits } && OutOfRange(digits, wholeNumber: false) is string range)
        {
            _errors.Add(node.Location.Error(ConfigErrorCodes.OutOfRange, range, key));
            return false;
        }

        return WrongType(node, key, "a number");
    }

    public bool TryNullableDouble(ConfigNode node, string key, out double? value)
    {
        value = null;
        if (IsNull(node))
        {
            return true;
        }

        var ok = TryDouble(node, key, out var number);
        value = number;
        return ok;
    }

    public bool TryBoolean(ConfigNode node, string key, out bool value)
    {
        value = false;
        if (node is ConfigScalar { IsPlain: true, Value: { } text } && ParseBoolean(text) is { } flag)
        {
            value = flag;
            return true;
        }

        return WrongType(node, key, "true or false");
    }

    public bool TryNullableBoolean(ConfigNode node, string key, out bool? value)
    {
        value = null;
        if (IsNull(node))
        {
            return true;
        }

        var ok = TryBoolean(node, key, out var flag);
        value = flag;
        return ok;
    }

    public bool TryEnum<T>(ConfigNode node, string key, EnumParser<T> parse, IReadOnlyList<string> allowed, out T value)
        where T : struct, Enum
    {
        value = default;
        if (node is not ConfigScalar { Value: { } text } scalar)
        {
            return WrongType(node, key, "one of " + string.Join(", ", allowed));
        }

        // YAML 1.2 spells booleans true/True/TRUE; enums that accept booleans list them in lower case.
        if (parse(text, out value) || (scalar.IsPlain && ParseBoolean(text) is { } flag && parse(flag ? "true" : "false", out value)))
        {
            return true;
        }

        var suggestion = EditDistance.Closest(text, allowed);
        var hint = suggestion is null ? string.Empty : $" Did you mean {suggestion}?";
        _errors.Add(node.Location.Error(ConfigErrorCodes.NotInEnum, $"must be one of {string.Join(", ", allowed)}; found '{text}'.{hint}", key));
        return false;
    }

    public bool TryNullableEnum<T>(ConfigNode node, string key, EnumParser<T> parse, IReadOnlyList<string> allowed, out T? value)
        where T : struct, Enum
    {
        value = null;
        if (IsNull(node))
        {
            return true;
        }

        var ok = TryEnum(node, key, parse, allowed, out var member);
        value = member;
        return ok;
    }

    public bool TryList<T>(ConfigNode node, string key, ItemReader<T> read, out IReadOnlyList<T> value)
    {
        value = [];
        if (node is not ConfigSequence sequence)
        {
            return WrongType(node, key, "a list (for example [a, b] or '- a' lines)");
        }

        var items = new List<T>(sequence.Items.Count);
        var ok = true;
        for (var i = 0; i < sequence.Items.Count; i++)
        {
            if (read(sequence.Items[i], ConfigPath.Index(key, i), out var item))
            {
                items.Add(item);
            }
            else
            {
                ok = false;
            }
        }

        value = items.AsReadOnly();
        return ok;
    }

    public bool TryNullableList<T>(ConfigNode node, string key, ItemReader<T> read, out IReadOnlyList<T>? value)
    {
        value = null;
        return IsNull(node) || TryList(node, key, read, out value!);
    }

    public bool TryStringMap(ConfigNode node, string key, out IReadOnlyDictionary<string, string> value)
    {
        value = new Dictionary<string, string>();
        if (node is not ConfigMapping mapping)
        {
            return WrongType(node, key, "a mapping (for example {\"0\": ham, \"1\": spam})");
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var ok = true;
        foreach (var entry in mapping.Entries)
        {
            if (TryString(entry.Value, ConfigPath.Join(key, entry.Key), out var text))
            {
                map[entry.Key] = text;
            }
            else
            {
                ok = false;
            }
        }

        value = map.AsReadOnly();
        return ok;
    }

    public bool TryNullableStringMap(ConfigNode node, string key, out IReadOnlyDictionary<string, string>? value)
    {
        value = null;
        return IsNull(node) || TryStringMap(node, key, out value!);
    }

    /// <summary>YAML 1.2 core schema booleans.</summary>
    internal static bool? ParseBoolean(string text) => text switch
    {
        "true" or "True" or "TRUE" => true,
        "false" or "False" or "FALSE" => false,
        _ => null,
    };

    private static bool IsNull(ConfigNode node) => node is ConfigScalar { Value: null };

    private bool WrongType(ConfigNode node, string key, string expected)
    {
        _errors.Add(node.Location.Error(ConfigErrorCodes.WrongType, $"expected {expected}, found {Found(node)}.", key));
        return false;
    }

    /// <summary>What the user wrote, in words ("the text 'three'", "a list"); short, so a pasted secret is not echoed whole.</summary>
    internal static string Found(ConfigNode node) => node switch
    {
        ConfigMapping => "a mapping",
        ConfigSequence => "a list",
        ConfigScalar { Value: null } => "null (nothing)",
        ConfigScalar { IsPlain: true, Value: var text } when ParseBoolean(text!) is not null => $"the boolean {text}",
        ConfigScalar { IsPlain: true, Value: var text } when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) => $"the number {text}",
        ConfigScalar { IsPlain: false, Value: var text } => $"the quoted text \"{Shorten(text!)}\"{(double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) || ParseBoolean(text!) is not null ? " (remove the quotes)" : string.Empty)}",
        ConfigScalar { Value: var text } => $"the text '{Shorten(text!)}'",
        _ => "something else",
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";
}
