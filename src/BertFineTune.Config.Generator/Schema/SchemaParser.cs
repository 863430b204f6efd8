using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using BertFineTune.Config.Generator.Json;

namespace BertFineTune.Config.Generator.Schema;

/// <summary>
/// Turns a JSON Schema (2020-12 subset) into a <see cref="SchemaModel"/>. Everything the emitter cannot honour is
/// reported (BFTGEN002 unsupported, BFTGEN003 invalid) instead of being skipped, so the schema and the C# never drift.
/// </summary>
/// <remarks>
/// Naming rule: the root record is the schema's <c>title</c>; a nested object is the PascalCase of its key path
/// below the root plus <c>Config</c> (<c>preprocessing.default</c> → <c>PreprocessingDefaultConfig</c>); the object
/// items of an array are the PascalCase path plus <c>Entry</c> (<c>dataset[]</c> → <c>DatasetEntry</c>). Enums take
/// their <c>$defs</c> name, or the PascalCase of their key when written inline.
/// </remarks>
internal sealed class SchemaParser
{
    public const string UnsupportedId = "BFTGEN002";
    public const string InvalidId = "BFTGEN003";

    private static readonly HashSet<string> RootKeywords = new() { "$schema", "$id", "$comment", "$defs", "title", "description", "type", "properties", "required", "additionalProperties" };
    private static readonly HashSet<string> ValueKeywords = new()
    {
        "$comment", "$ref", "description", "type", "default", "enum", "properties", "required", "additionalProperties", "items",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "minItems", "maxItems", "uniqueItems", "writeOnly", "examples", "title",
    };

    private readonly List<SchemaDiagnostic> _diagnostics = new();
    private readonly List<RecordModel> _records = new();
    private readonly Dictionary<string, EnumModel> _enums = new();
    private readonly Dictionary<string, JsonValue> _enumSources = new();
    private JsonObject? _defs;

    public static (SchemaModel? Model, IReadOnlyList<SchemaDiagnostic> Diagnostics) Parse(string text)
    {
        var parser = new SchemaParser();
        JsonValue json;
        try
        {
            json = JsonReader.Parse(text);
        }
        catch (JsonSyntaxException e)
        {
            return (null, new[] { new SchemaDiagnostic("BFTGEN001", "config.schema.json is not valid JSON: " + e.Message, e.Line, e.Column) });
        }

        var model = parser.ParseRoot(json);
        return (parser._diagnostics.Count == 0 ? model : null, parser._diagnostics);
    }

    private SchemaModel? ParseRoot(JsonValue json)
    {
        if (json is not JsonObject root)
        {
            Invalid(json, "The schema must be a JSON object.");
            return null;
        }

        CheckKeywords(root, RootKeywords, "the schema root");
        if (root.Get("$schema") is JsonString dialect && dialect.Value != "https://json-schema.org/draft/2020-12/schema")
        {
            Unsupported(dialect, $"Only JSON Schema 2020-12 is supported, not '{dialect.Value}'.");
        }

        _defs = root.Get("$defs") as JsonObject;
        if (root.Get("title") is not JsonString { Value: var rootName } || !Naming.IsIdentifier(rootName))
        {
            Invalid(root, "The root needs a 'title' that is a C# identifier; it names the root record.");
            return null;
        }

        if (!IsType(root, "object"))
        {
            Invalid(root, "The root must have \"type\": \"object\".");
        }

        ParseRecord(root, rootName, keyPath: string.Empty, pathPrefix: string.Empty);
        if (_defs is not null)
        {
            foreach (var def in _defs.Members.Where(d => !_enums.ContainsKey(d.Name)))
            {
                Invalid(def.Value, $"$defs/{def.Name} is never referenced; remove it or use it.");
            }
        }

        return new SchemaModel(_records, _enums.Values.ToList());
    }

    private void ParseRecord(JsonObject node, string name, string keyPath, string pathPrefix)
    {
        var additional = node.Get("additionalProperties");
        if (additional is not JsonBoolean { Value: false })
        {
            Invalid(additional ?? node, $"'{Display(keyPath)}' must set \"additionalProperties\": false so that unknown keys are reported.");
        }

        if (node.Get("properties") is not JsonObject properties)
        {
            Invalid(node, $"'{Display(keyPath)}' is an object without 'properties'.");
            return;
        }

        var required = new HashSet<string>();
        if (node.Get("required") is { } requiredNode)
        {
            if (requiredNode is not JsonArray requiredArray || requiredArray.Items.Any(i => i is not JsonString))
            {
                Invalid(requiredNode, "'required' must be an array of property names.");
            }
            else
            {
                foreach (var item in requiredArray.Items.Cast<JsonString>())
                {
                    if (properties.Get(item.Value) is null)
                    {
                        Invalid(item, $"'required' names '{item.Value}', which is not in 'properties'.");
                    }

                    required.Add(item.Value);
                }
            }
        }

        if (_records.Any(r => r.Name == name))
        {
            Invalid(node, $"Two objects map to the record name '{name}'.");
            return;
        }

        var models = new List<PropertyModel>();
        var record = new RecordModel(name, keyPath, Description(node, Display(keyPath)), models);
        _records.Add(record);
        foreach (var member in properties.Members)
        {
            var property = ParseProperty(member, required.Contains(member.Name), keyPath, pathPrefix);
            if (property is null)
            {
                continue;
            }

            if (property.ClrName == name)
            {
                Invalid(member.Value, $"Property '{member.Name}' would have the same C# name as its record '{name}'.");
                continue;
            }

            if (models.Any(m => m.ClrName == property.ClrName))
            {
                Invalid(member.Value, $"Two properties of '{Display(keyPath)}' map to the C# name '{property.ClrName}'.");
                continue;
            }

            models.Add(property);
        }
    }

    private PropertyModel? ParseProperty(JsonMember member, bool required, string parentKeyPath, string pathPrefix)
    {
        var keyPath = parentKeyPath.Length == 0 ? member.Name : parentKeyPath + "." + member.Name;
        if (member.Value is not JsonObject node)
        {
            Unsupported(member.Value, $"'{keyPath}' must be a schema object (boolean schemas are not supported).");
            return null;
        }

        if (!Naming.IsIdentifier(Naming.Pascal(member.Name)))
        {
            Invalid(node, $"Key '{member.Name}' does not make a C# identifier.");
            return null;
        }

        var type = ParseType(node, keyPath, pathPrefix + Naming.Pascal(member.Name), member.Name);
        if (type is null)
        {
            return null;
        }

        string? expression = null, display = null;
        var defaultNode = node.Get("default");
        if (required)
        {
            if (defaultNode is not null)
            {
                Invalid(defaultNode, $"'{keyPath}' is required, so it cannot have a default.");
            }

            if (type.IsValueType)
            {
                Unsupported(node, $"'{keyPath}' is required and a {type.Kind}; only strings, arrays, maps and objects can be required (give it a default instead).");
                return null;
            }
        }
        else if (defaultNode is null)
        {
            Invalid(node, $"'{keyPath}' needs a 'default' (or list it in its parent's 'required').");
            return null;
        }
        else
        {
            expression = DefaultExpression(defaultNode, type, keyPath);
            display = DisplayJson(defaultNode);
            if (expression is null)
            {
                return null;
            }
        }

        var secret = node.Get("writeOnly") is JsonBoolean { Value: true };
        if (secret && type.Kind != ValueKind.String)
        {
            Unsupported(node, $"'{keyPath}': writeOnly (secret) is supported on strings only.");
        }

        return new PropertyModel(member.Name, Naming.Pascal(member.Name), Description(node, keyPath), type, required, expression, display, secret);
    }

    private TypeRef? ParseType(JsonObject node, string keyPath, string typePrefix, string keyName)
    {
        CheckKeywords(node, ValueKeywords, $"'{keyPath}'");
        if (node.Get("$ref") is { } reference)
        {
            return ParseReference(node, reference, keyPath);
        }

        var types = ReadTypes(node, keyPath);
        if (types is null)
        {
            return null;
        }

        var type = new TypeRef { Nullable = types.Remove("null") };
        if (node.Get("enum") is { } enumNode)
        {
            var model = ParseEnum(node, enumNode, types, Naming.Pascal(keyName), keyPath);
            if (model is null)
            {
                return null;
            }

            type.Kind = ValueKind.Enum;
            type.TypeName = model.Name;
            return CheckApplicable(node, type, keyPath);
        }

        if (types.Count != 1)
        {
            Unsupported(node, $"'{keyPath}' has the type union [{string.Join(", ", types)}]; only one type plus \"null\" (or string/boolean with an enum) is supported.");
            return null;
        }

        switch (types.Single())
        {
            case "string": type.Kind = ValueKind.String; break;
            case "integer": type.Kind = ValueKind.Integer; break;
            case "number": type.Kind = ValueKind.Number; break;
            case "boolean": type.Kind = ValueKind.Boolean; break;
            case "array":
                type.Kind = ValueKind.Array;
                if (node.Get("items") is not JsonObject items)
                {
                    Invalid(node, $"Array '{keyPath}' needs an 'items' schema object.");
                    return null;
                }

                type.Element = ParseElement(items, keyPath + "[]", typePrefix, keyName);
                if (type.Element is null)
                {
                    return null;
                }

                break;
            case "object":
                if (node.Get("properties") is not null)
                {
                    if (type.Nullable)
                    {
                        Unsupported(node, $"'{keyPath}': a nullable object with properties is not supported; give it \"default\": {{}} instead.");
                        return null;
                    }

                    type.Kind = ValueKind.Record;
                    type.TypeName = typePrefix + "Config";
                    ParseRecord(node, type.TypeName, keyPath, typePrefix);
                }
                else if (node.Get("additionalProperties") is JsonObject valueSchema)
                {
                    type.Kind = ValueKind.Map;
                    type.Element = ParseElement(valueSchema, keyPath + ".*", typePrefix, keyName);
                    if (type.Element is null)
                    {
                        return null;
                    }

                    if (type.Element.Kind != ValueKind.String || type.Element.Nullable)
                    {
                        Unsupported(valueSchema, $"'{keyPath}': maps (additionalProperties with a schema) must have non-null string values.");
                        return null;
                    }
                }
                else
                {
                    Invalid(node, $"Object '{keyPath}' needs 'properties' (a record) or an 'additionalProperties' schema (a string map).");
                    return null;
                }

                break;
            default:
                Unsupported(node, $"'{keyPath}' has unknown type '{types.Single()}'.");
                return null;
        }

        return CheckApplicable(node, type, keyPath);
    }

    private TypeRef? ParseElement(JsonObject node, string keyPath, string typePrefix, string keyName)
    {
        if (node.Get("default") is { } itemDefault)
        {
            Unsupported(itemDefault, $"'{keyPath}': defaults inside items are not supported; set the default on the array.");
        }

        if (IsType(node, "object") && node.Get("properties") is not null)
        {
            var name = typePrefix + "Entry";
            ParseRecord(node, name, keyPath, typePrefix);
            CheckKeywords(node, ValueKeywords, $"'{keyPath}'");
            return new TypeRef { Kind = ValueKind.Record, TypeName = name };
        }

        var element = ParseType(node, keyPath, typePrefix + "Item", keyName + "_item");
        if (element is { Kind: ValueKind.Array or ValueKind.Map })
        {
            Unsupported(node, $"'{keyPath}': arrays or maps nested in arrays are not supported.");
            return null;
        }

        if (element is { Nullable: true })
        {
            Unsupported(node, $"'{keyPath}': null items are not supported.");
            return null;
        }

        return element;
    }

    private TypeRef? ParseReference(JsonObject node, JsonValue reference, string keyPath)
    {
        foreach (var member in node.Members)
        {
            if (member.Name is not ("$ref" or "default" or "description" or "$comment"))
            {
                Unsupported(member.Value, $"'{keyPath}': only default and description may sit beside $ref, not '{member.Name}'.");
            }
        }

        const string prefix = "#/$defs/";
        if (reference is not JsonString { Value: var target } || !target.StartsWith(prefix, System.StringComparison.Ordinal))
        {
            Unsupported(reference, $"'{keyPath}': only local references of the form \"#/$defs/Name\" are supported.");
            return null;
        }

        var name = target.Substring(prefix.Length);
        if (_defs?.Get(name) is not JsonObject definition)
        {
            Invalid(reference, $"'{keyPath}' refers to {target}, which does not exist.");
            return null;
        }

        if (!Naming.IsIdentifier(name))
        {
            Invalid(reference, $"$defs name '{name}' must be a C# identifier.");
            return null;
        }

        foreach (var member in definition.Members)
        {
            if (member.Name is not ("type" or "enum" or "description" or "$comment"))
            {
                Unsupported(member.Value, $"$defs/{name}: only enum definitions (type, enum, description) are supported, not '{member.Name}'.");
            }
        }

        var types = ReadTypes(definition, "$defs/" + name);
        if (types is null)
        {
            return null;
        }

        if (definition.Get("enum") is not { } enumNode)
        {
            Unsupported(definition, $"$defs/{name}: only enum definitions are supported.");
            return null;
        }

        var nullable = types.Remove("null");
        var model = ParseEnum(definition, enumNode, types, name, "$defs/" + name);
        return model is null ? null : new TypeRef { Kind = ValueKind.Enum, TypeName = model.Name, Nullable = nullable };
    }

    private EnumModel? ParseEnum(JsonObject node, JsonValue enumNode, HashSet<string> types, string name, string keyPath)
    {
        if (_enums.TryGetValue(name, out var existing))
        {
            if (_enumSources[name] == enumNode)
            {
                return existing;
            }

            Invalid(enumNode, $"Two enums are named '{name}'; move one into $defs under another name.");
            return null;
        }

        var allowsBoolean = types.Contains("boolean");
        if (!types.Contains("string") || types.Count > (allowsBoolean ? 2 : 1))
        {
            Unsupported(node, $"'{keyPath}': enums must be of type string (optionally string + boolean).");
            return null;
        }

        if (enumNode is not JsonArray values || values.Items.Count == 0)
        {
            Invalid(enumNode, $"'{keyPath}': 'enum' must be a non-empty array.");
            return null;
        }

        var members = new List<EnumMemberModel>();
        foreach (var value in values.Items)
        {
            string yaml;
            if (value is JsonString s)
            {
                yaml = s.Value;
            }
            else if (value is JsonBoolean b && allowsBoolean)
            {
                yaml = b.Value ? "true" : "false";
            }
            else
            {
                Unsupported(value, $"'{keyPath}': enum value {DisplayJson(value)} is not a string{(allowsBoolean ? " or boolean" : string.Empty)}.");
                return null;
            }

            var clr = Naming.Pascal(yaml);
            if (!Naming.IsIdentifier(clr) || members.Any(m => m.ClrName == clr || m.YamlName == yaml))
            {
                Invalid(value, $"'{keyPath}': enum value '{yaml}' does not make a unique C# member name.");
                return null;
            }

            members.Add(new EnumMemberModel(clr, yaml));
        }

        var model = new EnumModel(name, Description(node, keyPath), members);
        _enums.Add(name, model);
        _enumSources.Add(name, enumNode);
        return model;
    }

    private HashSet<string>? ReadTypes(JsonObject node, string keyPath)
    {
        var typeNode = node.Get("type");
        var types = new HashSet<string>();
        if (typeNode is JsonString single)
        {
            types.Add(single.Value);
        }
        else if (typeNode is JsonArray many && many.Items.All(i => i is JsonString))
        {
            foreach (var item in many.Items.Cast<JsonString>())
            {
                types.Add(item.Value);
            }
        }
        else
        {
            Invalid(typeNode ?? node, $"'{keyPath}' needs a 'type' (a string or an array of strings).");
            return null;
        }

        return types;
    }

    /// <summary>Reports keywords that the type cannot use (for example 'minimum' on a string), then returns the type.</summary>
    private TypeRef? CheckApplicable(JsonObject node, TypeRef type, string keyPath)
    {
        var ok = true;
        foreach (var member in node.Members)
        {
            var applies = member.Name switch
            {
                "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum" => type.Kind is ValueKind.Integer or ValueKind.Number,
                "minLength" or "maxLength" => type.Kind == ValueKind.String,
                "minItems" or "maxItems" or "items" or "uniqueItems" => type.Kind == ValueKind.Array,
                "properties" or "required" => type.Kind == ValueKind.Record,
                "additionalProperties" => type.Kind is ValueKind.Record or ValueKind.Map,
                "enum" => type.Kind == ValueKind.Enum,
                _ => true,
            };
            if (!applies)
            {
                Unsupported(member.Value, $"'{keyPath}': '{member.Name}' does not apply to a {type.Kind.ToString().ToLowerInvariant()}.");
                ok = false;
                continue;
            }

            switch (member.Name)
            {
                case "minimum": type.Minimum = Bound(member, keyPath); break;
                case "maximum": type.Maximum = Bound(member, keyPath); break;
                case "exclusiveMinimum": type.ExclusiveMinimum = Bound(member, keyPath); break;
                case "exclusiveMaximum": type.ExclusiveMaximum = Bound(member, keyPath); break;
                case "minLength": type.MinLength = Count(member, keyPath); break;
                case "maxLength": type.MaxLength = Count(member, keyPath); break;
                case "minItems": type.MinItems = Count(member, keyPath); break;
                case "maxItems": type.MaxItems = Count(member, keyPath); break;
                case "uniqueItems" when member.Value is JsonBoolean unique: type.UniqueItems = unique.Value; break;
                case "uniqueItems": Invalid(member.Value, $"'{keyPath}': 'uniqueItems' must be true or false."); break;
            }
        }

        return ok ? type : null;
    }

    private NumberBound? Bound(JsonMember member, string keyPath)
    {
        if (member.Value is JsonNumber number)
        {
            return new NumberBound(number.Text, number.Value);
        }

        Invalid(member.Value, $"'{keyPath}': '{member.Name}' must be a number.");
        return null;
    }

    private int? Count(JsonMember member, string keyPath)
    {
        if (member.Value is JsonNumber { IsInteger: true, Value: >= 0 and <= int.MaxValue } number)
        {
            return (int)number.Value;
        }

        Invalid(member.Value, $"'{keyPath}': '{member.Name}' must be a non-negative integer.");
        return null;
    }

    private string? DefaultExpression(JsonValue value, TypeRef type, string keyPath)
    {
        if (value is JsonNull)
        {
            if (type.Nullable)
            {
                return "null";
            }

            Invalid(value, $"'{keyPath}': the default is null, but the type does not allow null.");
            return null;
        }

        string? expression = type.Kind switch
        {
            ValueKind.String when value is JsonString s => Literal(s.Value),
            ValueKind.Integer when value is JsonNumber { IsInteger: true, Value: >= int.MinValue and <= int.MaxValue } n => n.Text,
            ValueKind.Number when value is JsonNumber n => n.IsInteger ? n.Text + ".0" : n.Text,
            ValueKind.Boolean when value is JsonBoolean b => b.Value ? "true" : "false",
            ValueKind.Enum => EnumDefault(value, type),
            ValueKind.Record when value is JsonObject { Members.Count: 0 } => "new()",
            ValueKind.Array when value is JsonArray a => ArrayDefault(a, type.Element!, keyPath),
            _ => null,
        };
        if (expression is null)
        {
            Invalid(value, $"'{keyPath}': the default {DisplayJson(value)} does not fit the type {type.Kind.ToString().ToLowerInvariant()}{(type.Kind is ValueKind.Record or ValueKind.Map ? " (objects default to {}, maps to null)" : string.Empty)}.");
            return null;
        }

        if (value is JsonNumber number && !WithinBounds(number.Value, type))
        {
            Invalid(value, $"'{keyPath}': the default {number.Text} is outside the allowed range.");
            return null;
        }

        return expression;
    }

    private string? ArrayDefault(JsonArray array, TypeRef element, string keyPath)
    {
        var parts = new List<string>();
        foreach (var item in array.Items)
        {
            if (element.Kind is ValueKind.Record or ValueKind.Array or ValueKind.Map || item is JsonNull)
            {
                return null;
            }

            var part = DefaultExpression(item, element, keyPath + "[]");
            if (part is null)
            {
                return null;
            }

            parts.Add(part);
        }

        return "[" + string.Join(", ", parts) + "]";
    }

    private string? EnumDefault(JsonValue value, TypeRef type)
    {
        var text = value switch
        {
            JsonString s => s.Value,
            JsonBoolean b => b.Value ? "true" : "false",
            _ => null,
        };
        var member = _enums[type.TypeName!].Members.FirstOrDefault(m => m.YamlName == text);
        return member is null ? null : type.TypeName + "." + member.ClrName;
    }

    private static bool WithinBounds(double value, TypeRef type) =>
        (type.Minimum is null || value >= type.Minimum.Value)
        && (type.Maximum is null || value <= type.Maximum.Value)
        && (type.ExclusiveMinimum is null || value > type.ExclusiveMinimum.Value)
        && (type.ExclusiveMaximum is null || value < type.ExclusiveMaximum.Value);

    private string Description(JsonObject node, string keyPath)
    {
        if (node.Get("description") is JsonString { Value.Length: > 0 } description)
        {
            return description.Value;
        }

        Invalid(node, $"'{keyPath}' needs a one-line 'description'.");
        return string.Empty;
    }

    private void CheckKeywords(JsonObject node, HashSet<string> allowed, string where)
    {
        foreach (var member in node.Members)
        {
            if (!allowed.Contains(member.Name))
            {
                _diagnostics.Add(new SchemaDiagnostic(UnsupportedId, $"Schema keyword '{member.Name}' in {where} is not supported by the config generator.", member.Line, member.Column));
            }
        }
    }

    private static bool IsType(JsonObject node, string type) =>
        node.Get("type") is JsonString s ? s.Value == type : node.Get("type") is JsonArray a && a.Items.OfType<JsonString>().Any(i => i.Value == type);

    private void Unsupported(JsonValue at, string message) => _diagnostics.Add(new SchemaDiagnostic(UnsupportedId, message, at.Line, at.Column));

    private void Invalid(JsonValue at, string message) => _diagnostics.Add(new SchemaDiagnostic(InvalidId, message, at.Line, at.Column));

    private static string Display(string keyPath) => keyPath.Length == 0 ? "(root)" : keyPath;

    public static string Literal(string value)
    {
        var builder = new System.Text.StringBuilder("\"");
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when c < ' ' => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }

    private static string DisplayJson(JsonValue value) => value switch
    {
        JsonString s => Literal(s.Value),
        JsonNumber n => n.Text,
        JsonBoolean b => b.Value ? "true" : "false",
        JsonNull => "null",
        JsonArray a => "[" + string.Join(", ", a.Items.Select(DisplayJson)) + "]",
        JsonObject o => o.Members.Count == 0 ? "{}" : "{…}",
        _ => "?",
    };
}
