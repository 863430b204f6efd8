using System.Globalization;

namespace BertFineTune.Config;

/// <summary>How <c>Describe()</c> writes values: YAML-like text, invariant culture, secrets reduced to set / not set.</summary>
public static class ConfigFormat
{
    public static string Value(string? value) => value ?? "null";

    public static string Value(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "null";

    public static string Value(double? value) => value?.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal) ?? "null";

    public static string Value(bool? value) => value is null ? "null" : value.Value ? "true" : "false";

    public static string List<T>(IReadOnlyList<T>? items, Func<T, string> format) =>
        items is null ? "null" : "[" + string.Join(", ", items.Select(format)) + "]";

    public static string Map(IReadOnlyDictionary<string, string>? map) =>
        map is null ? "null" : "{" + string.Join(", ", map.Select(p => $"{p.Key}: {p.Value}")) + "}";

    /// <summary>Never the secret itself: only whether one is set.</summary>
    public static string Secret(string? value) => string.IsNullOrEmpty(value) ? "(not set)" : "(set, hidden)";
}
