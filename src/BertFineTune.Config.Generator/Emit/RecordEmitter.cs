using System.Collections.Generic;
using System.Linq;
using BertFineTune.Config.Generator.Schema;

namespace BertFineTune.Config.Generator.Emit;

/// <summary>
/// Emits one <c>sealed partial record</c> per schema object: init-only properties with the schema defaults,
/// <c>Validate()</c> (types, ranges, enums, required, item counts, then the hand-written <c>ValidateRules</c>),
/// <c>Bind</c> (from the YAML node tree, through <c>ConfigBinder</c>), <c>Keys</c> and <c>Describe()</c>.
/// </summary>
internal static class RecordEmitter
{
    public static string Emit(RecordModel record)
    {
        var w = EnumEmitter.Header();
        w.Line($"/// <summary>{CodeWriter.Xml(record.Description)}</summary>");
        if (record.KeyPath.Length > 0)
        {
            w.Line($"/// <remarks>YAML: <c>{CodeWriter.Xml(record.KeyPath)}</c>.</remarks>");
        }

        w.Open($"public sealed partial record {record.Name}");
        EmitProperties(w, record);
        EmitKeys(w, record);
        EmitValidate(w, record);
        EmitBind(w, record);
        EmitDescribe(w, record);
        w.Close();
        return w.ToString();
    }

    private static void EmitProperties(CodeWriter w, RecordModel record)
    {
        foreach (var property in record.Properties)
        {
            w.Line($"/// <summary>{CodeWriter.Xml(property.Description)}</summary>");
            w.Line($"/// <remarks>YAML: <c>{CodeWriter.Xml(KeyOf(record, property))}</c>. {CodeWriter.Xml(Facts(property))}</remarks>");
            if (property.Required)
            {
                w.Line($"public required {property.Type.ClrType} {property.ClrName} {{ get; init; }}");
            }
            else
            {
                w.Line($"public {property.Type.ClrType} {property.ClrName} {{ get; init; }} = {property.DefaultExpression};");
            }

            w.Line();
        }
    }

    private static void EmitKeys(CodeWriter w, RecordModel record)
    {
        var keys = string.Join(", ", record.Properties.Select(p => SchemaParser.Literal(p.JsonName)));
        w.Line("/// <summary>The YAML keys of this object, in schema order.</summary>");
        w.Line($"public static IReadOnlyList<string> Keys {{ get; }} = [{keys}];");
        w.Line();
    }

    private static void EmitValidate(CodeWriter w, RecordModel record)
    {
        w.Line("/// <summary>");
        w.Line("/// Checks this object and everything below it: types, ranges, enums, required keys and item counts from the");
        w.Line("/// schema, then the hand-written cross-field rules. Returns every error (empty when valid), never throws.");
        w.Line("/// </summary>");
        w.Open("public IReadOnlyList<UserError> Validate()");
        w.Line("var errors = new List<UserError>();");
        w.Line("CollectErrors(string.Empty, errors);");
        w.Line("return errors;");
        w.Close();
        w.Line();
        w.Line("/// <summary>Adds this object's errors to <paramref name=\"errors\"/>, with key paths under <paramref name=\"path\"/>.</summary>");
        w.Open("internal void CollectErrors(string path, List<UserError> errors)");
        foreach (var property in record.Properties.Where(p => HasChecks(p.Type)))
        {
            // One block per property: pattern variables (v0, ...) are scoped to it.
            w.Open("// " + property.JsonName);
            EmitChecks(w, property.Type, property.ClrName, $"ConfigPath.Join(path, {SchemaParser.Literal(property.JsonName)})", 0);
            w.Close();
        }

        w.Line("ValidateRules(path, errors);");
        w.Close();
        w.Line();
        w.Line("/// <summary>Cross-field rules, written by hand in a partial declaration (optional).</summary>");
        w.Line("partial void ValidateRules(string path, List<UserError> errors);");
        w.Line();
    }

    private static void EmitChecks(CodeWriter w, TypeRef type, string expression, string key, int depth)
    {
        if (!HasChecks(type))
        {
            return;
        }

        if (type.Nullable)
        {
            var local = "v" + depth;
            w.Open($"if ({expression} is {{ }} {local})");
            EmitValueChecks(w, type, local, key, depth);
            w.Close();
        }
        else if (!type.IsValueType)
        {
            w.Open($"if ({expression} is null)");
            w.Line($"errors.Add(ConfigErrors.Required({key}));");
            w.Close();
            w.Open("else");
            EmitValueChecks(w, type, expression, key, depth);
            w.Close();
        }
        else
        {
            EmitValueChecks(w, type, expression, key, depth);
        }
    }

    private static void EmitValueChecks(CodeWriter w, TypeRef type, string value, string key, int depth)
    {
        switch (type.Kind)
        {
            case ValueKind.Integer or ValueKind.Number:
                Bound(w, type.Minimum, value, key, "<", "Minimum");
                Bound(w, type.ExclusiveMinimum, value, key, "<=", "ExclusiveMinimum");
                Bound(w, type.Maximum, value, key, ">", "Maximum");
                Bound(w, type.ExclusiveMaximum, value, key, ">=", "ExclusiveMaximum");
                if (type.Kind == ValueKind.Number)
                {
                    w.Line($"if (!double.IsFinite({value})) errors.Add(ConfigErrors.NotFinite({key}));");
                }

                break;
            case ValueKind.String:
                if (type.MinLength is { } minLength)
                {
                    w.Line($"if ({value}.Length < {minLength}) errors.Add(ConfigErrors.MinLength({key}, {value}.Length, {minLength}));");
                }

                if (type.MaxLength is { } maxLength)
                {
                    w.Line($"if ({value}.Length > {maxLength}) errors.Add(ConfigErrors.MaxLength({key}, {value}.Length, {maxLength}));");
                }

                break;
            case ValueKind.Enum:
                w.Line($"if (!Enum.IsDefined({value})) errors.Add(ConfigErrors.UndefinedEnum({key}, {value}.ToString(), {type.TypeName}Yaml.Values));");
                break;
            case ValueKind.Record:
                w.Line($"{value}.CollectErrors({key}, errors);");
                break;
            case ValueKind.Array:
                if (type.MinItems is { } minItems)
                {
                    w.Line($"if ({value}.Count < {minItems}) errors.Add(ConfigErrors.MinItems({key}, {value}.Count, {minItems}));");
                }

                if (type.MaxItems is { } maxItems)
                {
                    w.Line($"if ({value}.Count > {maxItems}) errors.Add(ConfigErrors.MaxItems({key}, {value}.Count, {maxItems}));");
                }

                if (type.UniqueItems)
                {
                    w.Line($"if (ConfigErrors.FirstDuplicate({value}, item => {Format(type.Element!, "item")}) is {{ }} duplicate{depth}) errors.Add(ConfigErrors.DuplicateItem({key}, duplicate{depth}));");
                }

                if (HasChecks(type.Element!))
                {
                    var index = "i" + depth;
                    w.Open($"for (var {index} = 0; {index} < {value}.Count; {index}++)");
                    EmitChecks(w, type.Element!, $"{value}[{index}]", $"ConfigPath.Index({key}, {index})", depth + 1);
                    w.Close();
                }

                break;
            case ValueKind.Map:
                var pair = "p" + depth;
                w.Open($"foreach (var {pair} in {value})");
                EmitChecks(w, type.Element!, $"{pair}.Value", $"ConfigPath.Join({key}, {pair}.Key)", depth + 1);
                w.Close();
                break;
        }
    }

    private static void Bound(CodeWriter w, NumberBound? bound, string value, string key, string failsWhen, string method)
    {
        if (bound is not null)
        {
            w.Line($"if ({value} {failsWhen} {bound.Text}) errors.Add(ConfigErrors.{method}({key}, {value}, {bound.Text}));");
        }
    }

    private static bool HasChecks(TypeRef type) => type.Kind switch
    {
        ValueKind.Boolean => false,
        ValueKind.Integer => type.Minimum is not null || type.Maximum is not null || type.ExclusiveMinimum is not null || type.ExclusiveMaximum is not null,
        ValueKind.String => !type.Nullable || type.MinLength is not null || type.MaxLength is not null,
        _ => true,
    };

    private static void EmitBind(CodeWriter w, RecordModel record)
    {
        var required = record.Properties.Where(p => p.Required).Select(p => $"{p.ClrName} = null!").ToList();
        w.Line("/// <summary>");
        w.Line("/// Builds this object from a YAML node. Wrong types, unknown keys and bad enum values go to <paramref name=\"binder\"/>;");
        w.Line("/// a missing key keeps its default (a missing required key stays null for <see cref=\"Validate\"/> to report).");
        w.Line("/// </summary>");
        w.Open($"public static {record.Name} Bind(ConfigNode node, string path, ConfigBinder binder)");
        w.Line(required.Count == 0 ? $"var result = new {record.Name}();" : $"var result = new {record.Name} {{ {string.Join(", ", required)} }};");
        w.Open("if (binder.BeginObject(node, path) is not { } mapping)");
        w.Line("return result;");
        w.Close();
        w.Line();
        w.Open("foreach (var entry in mapping.Entries)");
        w.Line("var key = ConfigPath.Join(path, entry.Key);");
        w.Open("switch (entry.Key)");
        var index = 0;
        foreach (var property in record.Properties)
        {
            var local = "value" + index++;
            w.Line($"case {SchemaParser.Literal(property.JsonName)}:");
            w.Line($"    if ({ReadCall(property.Type, "entry.Value", "key", "out var " + local, 1)}) result = result with {{ {property.ClrName} = {local} }};");
            w.Line("    break;");
        }

        w.Line("default:");
        w.Line("    binder.UnknownKey(entry, path, Keys);");
        w.Line("    break;");
        w.Close();
        w.Close();
        w.Line();
        w.Line("return result;");
        w.Close();
        w.Line();
    }

    private static string ReadCall(TypeRef type, string node, string key, string output, int depth)
    {
        var nullable = type.Nullable ? "Nullable" : string.Empty;
        switch (type.Kind)
        {
            case ValueKind.String: return $"binder.Try{nullable}String({node}, {key}, {output})";
            case ValueKind.Integer: return $"binder.Try{nullable}Int32({node}, {key}, {output})";
            case ValueKind.Number: return $"binder.Try{nullable}Double({node}, {key}, {output})";
            case ValueKind.Boolean: return $"binder.Try{nullable}Boolean({node}, {key}, {output})";
            case ValueKind.Enum: return $"binder.Try{nullable}Enum<{type.TypeName}>({node}, {key}, {type.TypeName}Yaml.TryParse, {type.TypeName}Yaml.Values, {output})";
            case ValueKind.Record: return $"binder.TryObject({node}, {key}, {type.TypeName}.Bind, {output})";
            case ValueKind.Map: return $"binder.Try{nullable}StringMap({node}, {key}, {output})";
            default:
                var element = type.Element!;
                string n = "n" + depth, k = "k" + depth, x = "x" + depth;
                var reader = $"(ConfigNode {n}, string {k}, out {element.ClrType} {x}) => {ReadCall(element, n, k, "out " + x, depth + 1)}";
                return $"binder.Try{nullable}List<{element.ClrType}>({node}, {key}, {reader}, {output})";
        }
    }

    private static void EmitDescribe(CodeWriter w, RecordModel record)
    {
        w.Line("/// <summary>Every setting of this object and below as key/value text, for display; secrets show only whether they are set.</summary>");
        w.Open("public IReadOnlyList<ConfigSetting> Describe()");
        w.Line("var into = new List<ConfigSetting>();");
        w.Line("DescribeInto(string.Empty, into);");
        w.Line("return into;");
        w.Close();
        w.Line();
        w.Open("internal void DescribeInto(string path, List<ConfigSetting> into)");
        foreach (var property in record.Properties)
        {
            var key = $"ConfigPath.Join(path, {SchemaParser.Literal(property.JsonName)})";
            var type = property.Type;
            if (type.Kind == ValueKind.Record)
            {
                w.Line($"if ({property.ClrName} is null) into.Add(new ConfigSetting({key}, \"null\")); else {property.ClrName}.DescribeInto({key}, into);");
            }
            else if (type.Kind == ValueKind.Array && type.Element!.Kind == ValueKind.Record)
            {
                w.Open($"if ({property.ClrName} is null || {property.ClrName}.Count == 0)");
                w.Line($"into.Add(new ConfigSetting({key}, {property.ClrName} is null ? \"null\" : \"[]\"));");
                w.Close();
                w.Open("else");
                w.Open($"for (var i = 0; i < {property.ClrName}.Count; i++)");
                w.Line($"{property.ClrName}[i]?.DescribeInto(ConfigPath.Index({key}, i), into);");
                w.Close();
                w.Close();
            }
            else
            {
                var format = property.Secret ? $"ConfigFormat.Secret({property.ClrName})" : Format(type, property.ClrName);
                w.Line($"into.Add(new ConfigSetting({key}, {format}));");
            }
        }

        w.Close();
    }

    private static string Format(TypeRef type, string expression) => type.Kind switch
    {
        ValueKind.Enum => $"ConfigFormat.Value({expression}{(type.Nullable ? "?" : string.Empty)}.ToYaml())",
        ValueKind.Array => $"ConfigFormat.List({expression}, item => {Format(type.Element!, "item")})",
        ValueKind.Map => $"ConfigFormat.Map({expression})",
        _ => $"ConfigFormat.Value({expression})",
    };

    private static string KeyOf(RecordModel record, PropertyModel property) =>
        record.KeyPath.Length == 0 ? property.JsonName : record.KeyPath + "." + property.JsonName;

    /// <summary>Default and constraints in words, for the XML docs.</summary>
    private static string Facts(PropertyModel property)
    {
        var facts = new List<string>();
        facts.Add(property.Required ? "Required." : $"Default: {property.DefaultDisplay}.");
        var type = property.Type;
        if (type.Minimum is not null) facts.Add($"Minimum {type.Minimum.Text}.");
        if (type.ExclusiveMinimum is not null) facts.Add($"Greater than {type.ExclusiveMinimum.Text}.");
        if (type.Maximum is not null) facts.Add($"Maximum {type.Maximum.Text}.");
        if (type.ExclusiveMaximum is not null) facts.Add($"Less than {type.ExclusiveMaximum.Text}.");
        if (type.MinLength is not null) facts.Add(type.MinLength == 1 ? "Not empty." : $"At least {type.MinLength} characters.");
        if (type.MaxLength is not null) facts.Add($"At most {type.MaxLength} character{(type.MaxLength == 1 ? string.Empty : "s")}.");
        if (type.MinItems is not null) facts.Add($"At least {type.MinItems} item{(type.MinItems == 1 ? string.Empty : "s")}.");
        if (type.MaxItems is not null) facts.Add($"At most {type.MaxItems} items.");
        if (type.UniqueItems) facts.Add("No duplicates.");
        if (property.Secret) facts.Add("Secret: never printed.");
        return string.Join(" ", facts);
    }
}
