using System.Collections.Generic;

namespace BertFineTune.Config.Generator.Json;

/// <summary>A parsed JSON value with the 1-based line and column where it starts, so diagnostics can point into the schema.</summary>
internal abstract class JsonValue
{
    protected JsonValue(int line, int column)
    {
        Line = line;
        Column = column;
    }

    public int Line { get; }

    public int Column { get; }

    /// <summary>A short name for messages: "a string", "an object", ...</summary>
    public abstract string KindName { get; }
}

internal sealed class JsonObject : JsonValue
{
    public JsonObject(int line, int column, IReadOnlyList<JsonMember> members)
        : base(line, column)
    {
        Members = members;
    }

    /// <summary>Members in document order (the order properties are emitted in).</summary>
    public IReadOnlyList<JsonMember> Members { get; }

    public override string KindName => "an object";

    public JsonValue? Get(string name)
    {
        foreach (var member in Members)
        {
            if (member.Name == name)
            {
                return member.Value;
            }
        }

        return null;
    }
}

internal sealed class JsonMember
{
    public JsonMember(string name, int line, int column, JsonValue value)
    {
        Name = name;
        Line = line;
        Column = column;
        Value = value;
    }

    public string Name { get; }

    public int Line { get; }

    public int Column { get; }

    public JsonValue Value { get; }
}

internal sealed class JsonArray : JsonValue
{
    public JsonArray(int line, int column, IReadOnlyList<JsonValue> items)
        : base(line, column)
    {
        Items = items;
    }

    public IReadOnlyList<JsonValue> Items { get; }

    public override string KindName => "an array";
}

internal sealed class JsonString : JsonValue
{
    public JsonString(int line, int column, string value)
        : base(line, column)
    {
        Value = value;
    }

    public string Value { get; }

    public override string KindName => "a string";
}

internal sealed class JsonNumber : JsonValue
{
    public JsonNumber(int line, int column, string text, double value, bool isInteger)
        : base(line, column)
    {
        Text = text;
        Value = value;
        IsInteger = isInteger;
    }

    /// <summary>The literal as written (a valid C# numeric literal too, since JSON's grammar is a subset).</summary>
    public string Text { get; }

    public double Value { get; }

    public bool IsInteger { get; }

    public override string KindName => "a number";
}

internal sealed class JsonBoolean : JsonValue
{
    public JsonBoolean(int line, int column, bool value)
        : base(line, column)
    {
        Value = value;
    }

    public bool Value { get; }

    public override string KindName => "a boolean";
}

internal sealed class JsonNull : JsonValue
{
    public JsonNull(int line, int column)
        : base(line, column)
    {
    }

    public override string KindName => "null";
}
