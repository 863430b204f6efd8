using System.Globalization;
using BertFineTune.Diagnostics;

namespace BertFineTune.Config;

/// <summary>
/// The errors the generated <c>Validate()</c> reports. They carry the key path only; <see cref="ConfigLoader"/>
/// adds file, line and column from the <see cref="SourceMap"/>.
/// </summary>
public static class ConfigErrors
{
    public static UserError Required(string key) =>
        new(ConfigErrorCodes.Required, "is required but missing; add it to the config.", Key: key);

    public static UserError Minimum(string key, double found, double limit) =>
        new(ConfigErrorCodes.OutOfRange, $"must be at least {Text(limit)}; found {Text(found)}.", Key: key);

    public static UserError ExclusiveMinimum(string key, double found, double limit) =>
        new(ConfigErrorCodes.OutOfRange, $"must be greater than {Text(limit)}; found {Text(found)}.", Key: key);

    public static UserError Maximum(string key, double found, double limit) =>
        new(ConfigErrorCodes.OutOfRange, $"must be at most {Text(limit)}; found {Text(found)}.", Key: key);

    public static UserError ExclusiveMaximum(string key, double found, double limit) =>
        new(ConfigErrorCodes.OutOfRange, $"must be less than {Text(limit)}; found {Text(found)}.", Key: key);

    public static UserError NotFinite(string key) =>
        new(ConfigErrorCodes.OutOfRange, "must be a finite number.", Key: key);

    public static UserError MinLength(string key, int found, int limit) =>
        new(ConfigErrorCodes.Length, limit == 1 ? "must not be empty." : $"must have at least {limit} characters; found {found}.", Key: key);

    public static UserError MaxLength(string key, int found, int limit) =>
        new(ConfigErrorCodes.Length, $"must have at most {limit} character{(limit == 1 ? string.Empty : "s")}; found {found}.", Key: key);

    public static UserError MinItems(string key, int found, int limit) =>
        new(ConfigErrorCodes.ItemCount, $"needs at least {limit} item{(limit == 1 ? string.Empty : "s")}; found {found}.", Key: key);

    public static UserError MaxItems(string key, int found, int limit) =>
        new(ConfigErrorCodes.ItemCount, $"allows at most {limit} item{(limit == 1 ? string.Empty : "s")}; found {found}.", Key: key);

    public static UserError DuplicateItem(string key, string item) =>
        new(ConfigErrorCodes.ItemCount, $"lists {item} more than once; keep one.", Key: key);

    /// <summary>The first item that repeats, as <paramref name="format"/> writes it; null when all items differ.</summary>
    public static string? FirstDuplicate<T>(IReadOnlyList<T> items, Func<T, string> format)
    {
        var seen = new HashSet<T>();
        foreach (var item in items)
        {
            if (!seen.Add(item))
            {
                return format(item);
            }
        }

        return null;
    }

    public static UserError UndefinedEnum(string key, string found, IReadOnlyList<string> allowed) =>
        new(ConfigErrorCodes.NotInEnum, $"must be one of {string.Join(", ", allowed)}; found {found}.", Key: key);

    internal static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
