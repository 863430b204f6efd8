using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace BertFineTune.Config;

/// <summary>
/// Writes a config built in C# (the generated records) as YAML that <see cref="ConfigLoader"/> reads back to the same
/// settings — so a notebook or a program can build a run in code and hand it to <c>bertft</c> or MSBuild.
/// </summary>
/// <remarks>
/// Keys come from each record's generated <c>Keys</c> list (schema order), so computed helpers never leak into the file.
/// <c>credentials</c> is never written: secrets stay in <c>HF_TOKEN</c> / <c>WANDB_API_KEY</c>, never in a file we make.
/// </remarks>
public static class ConfigYaml
{
    private static readonly string[] NeverWritten = ["credentials"];

    public static string Serialize(BertFineTuneConfig config)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine("# credentials are not written here: set HF_TOKEN / WANDB_API_KEY in the environment.");
        WriteMapping(yaml, config, 0, topLevel: true);
        return yaml.ToString();
    }

    private static void WriteMapping(StringBuilder yaml, object record, int indent, bool topLevel = false)
    {
        var type = record.GetType();
        var keys = (IReadOnlyList<string>)type.GetProperty("Keys", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        var pad = new string(' ', indent);
        foreach (var key in keys)
        {
            if (topLevel && NeverWritten.Contains(key))
            {
                continue;
            }

            var property = type.GetProperty(PascalCase(key)) ?? throw new InvalidOperationException($"{type.Name} has no property for '{key}'.");
            var value = property.GetValue(record);
            if (value is null)
            {
                continue;
            }

            if (IsScalar(value))
            {
                yaml.Append(pad).Append(key).Append(": ").AppendLine(Scalar(value));
            }
            else if (value is IDictionary map)
            {
                yaml.Append(pad).Append(key).AppendLine(":");
                foreach (DictionaryEntry entry in map)
                {
                    yaml.Append(pad).Append("  ").Append(Scalar(entry.Key)).Append(": ").AppendLine(Scalar(entry.Value!));
                }
            }
            else if (value is IEnumerable list)
            {
                var items = list.Cast<object>().ToList();
                if (items.All(IsScalar))
                {
                    yaml.Append(pad).Append(key).Append(": [").Append(string.Join(", ", items.Select(Scalar))).AppendLine("]");
                    continue;
                }

                yaml.Append(pad).Append(key).AppendLine(":");
                foreach (var item in items)
                {
                    var entry = new StringBuilder();
                    WriteMapping(entry, item, indent + 4);
                    // The first line of each item carries the "- " marker.
                    yaml.Append(pad).Append("  - ").Append(entry.ToString()[(indent + 4)..]);
                }
            }
            else
            {
                yaml.Append(pad).Append(key).AppendLine(":");
                WriteMapping(yaml, value, indent + 2);
            }
        }
    }

    private static bool IsScalar(object value) => value is string or bool or Enum || value.GetType().IsPrimitive || value is decimal;

    private static string Scalar(object value) => value switch
    {
        // JSON strings are YAML strings; "${" is escaped so the loader does not interpolate user text.
        string s => JsonSerializer.Serialize(s.Replace("${", "$${", StringComparison.Ordinal)),
        bool b => b ? "true" : "false",
        Enum e => EnumToYaml(e),
        IFormattable f => f.ToString(value is double or float ? "R" : null, CultureInfo.InvariantCulture),
        _ => JsonSerializer.Serialize(value.ToString()),
    };

    private static string EnumToYaml(Enum value)
    {
        var helper = value.GetType().Assembly.GetType($"{value.GetType().FullName}Yaml")
            ?? throw new InvalidOperationException($"No YAML names for {value.GetType().Name}.");
        var text = (string)helper.GetMethod("ToYaml", [value.GetType()])!.Invoke(null, [value])!;
        return JsonSerializer.Serialize(text);
    }

    private static string PascalCase(string key) =>
        string.Concat(key.Split('_').Select(part => part.Length == 0 ? part : char.ToUpperInvariant(part[0]) + part[1..]));
}
