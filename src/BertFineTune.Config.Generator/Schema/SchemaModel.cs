using System.Collections.Generic;

namespace BertFineTune.Config.Generator.Schema;

/// <summary>What a schema value becomes in C#.</summary>
internal enum ValueKind
{
    String,
    Integer,
    Number,
    Boolean,
    Enum,
    Record,
    Array,
    Map,
}

/// <summary>A numeric bound as written in the schema (text for emitting, value for checking defaults).</summary>
internal sealed class NumberBound
{
    public NumberBound(string text, double value)
    {
        Text = text;
        Value = value;
    }

    public string Text { get; }

    public double Value { get; }
}

/// <summary>The C# shape of one schema value plus the constraints <c>Validate()</c> checks on it.</summary>
internal sealed class TypeRef
{
    public ValueKind Kind { get; set; }

    public bool Nullable { get; set; }

    /// <summary>The enum or record type name, for <see cref="ValueKind.Enum"/> and <see cref="ValueKind.Record"/>.</summary>
    public string? TypeName { get; set; }

    /// <summary>Element type of an array, or value type of a map.</summary>
    public TypeRef? Element { get; set; }

    public NumberBound? Minimum { get; set; }

    public NumberBound? Maximum { get; set; }

    public NumberBound? ExclusiveMinimum { get; set; }

    public NumberBound? ExclusiveMaximum { get; set; }

    public int? MinLength { get; set; }

    public int? MaxLength { get; set; }

    public int? MinItems { get; set; }

    public int? MaxItems { get; set; }

    /// <summary><c>uniqueItems: true</c> on an array.</summary>
    public bool UniqueItems { get; set; }

    public bool IsValueType => Kind is ValueKind.Integer or ValueKind.Number or ValueKind.Boolean or ValueKind.Enum;

    public string ClrType
    {
        get
        {
            var core = Kind switch
            {
                ValueKind.String => "string",
                ValueKind.Integer => "int",
                ValueKind.Number => "double",
                ValueKind.Boolean => "bool",
                ValueKind.Enum or ValueKind.Record => TypeName!,
                ValueKind.Array => $"IReadOnlyList<{Element!.ClrType}>",
                _ => $"IReadOnlyDictionary<string, {Element!.ClrType}>",
            };
            return Nullable ? core + "?" : core;
        }
    }
}

internal sealed class PropertyModel
{
    public PropertyModel(string jsonName, string clrName, string description, TypeRef type, bool required, string? defaultExpression, string? defaultDisplay, bool secret)
    {
        JsonName = jsonName;
        ClrName = clrName;
        Description = description;
        Type = type;
        Required = required;
        DefaultExpression = defaultExpression;
        DefaultDisplay = defaultDisplay;
        Secret = secret;
    }

    /// <summary>The snake_case key in YAML and the schema.</summary>
    public string JsonName { get; }

    public string ClrName { get; }

    public string Description { get; }

    public TypeRef Type { get; }

    /// <summary>Listed in the parent's <c>required</c>: no default, a C# <c>required</c> member.</summary>
    public bool Required { get; }

    /// <summary>C# initializer expression taken from <c>default</c>; null for required members.</summary>
    public string? DefaultExpression { get; }

    /// <summary>The default as JSON text, for the XML docs.</summary>
    public string? DefaultDisplay { get; }

    /// <summary><c>writeOnly: true</c>: a secret, never shown by <c>Describe()</c>.</summary>
    public bool Secret { get; }
}

/// <summary>One schema object: a <c>sealed record</c>.</summary>
internal sealed class RecordModel
{
    public RecordModel(string name, string keyPath, string description, IReadOnlyList<PropertyModel> properties)
    {
        Name = name;
        KeyPath = keyPath;
        Description = description;
        Properties = properties;
    }

    public string Name { get; }

    /// <summary>Where the object sits in the config, for example <c>preprocessing.default</c> or <c>dataset[]</c>; empty for the root.</summary>
    public string KeyPath { get; }

    public string Description { get; }

    public IReadOnlyList<PropertyModel> Properties { get; }
}

internal sealed class EnumMemberModel
{
    public EnumMemberModel(string clrName, string yamlName)
    {
        ClrName = clrName;
        YamlName = yamlName;
    }

    public string ClrName { get; }

    public string YamlName { get; }
}

internal sealed class EnumModel
{
    public EnumModel(string name, string description, IReadOnlyList<EnumMemberModel> members)
    {
        Name = name;
        Description = description;
        Members = members;
    }

    public string Name { get; }

    public string Description { get; }

    public IReadOnlyList<EnumMemberModel> Members { get; }
}

internal sealed class SchemaModel
{
    public SchemaModel(IReadOnlyList<RecordModel> records, IReadOnlyList<EnumModel> enums)
    {
        Records = records;
        Enums = enums;
    }

    /// <summary>Records, the root first.</summary>
    public IReadOnlyList<RecordModel> Records { get; }

    public IReadOnlyList<EnumModel> Enums { get; }
}
