using System.Text;
using System.Text.RegularExpressions;
using BertFineTune.Diagnostics;

namespace BertFineTune.Config;

/// <summary>
/// <c>${VAR}</c> and <c>${VAR:-default}</c> in YAML values, as in a POSIX shell: the default is used when VAR is
/// unset or empty. <c>$${</c> writes a literal <c>${</c>. Keys are never interpolated.
/// </summary>
public static partial class EnvironmentInterpolation
{
    [GeneratedRegex(@"\$\$\{|\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?<default>[^}]*))?\}")]
    private static partial Regex Reference();

    /// <summary>Whether <paramref name="text"/> contains a <c>${VAR}</c> reference.</summary>
    public static bool HasReferences(string text) => Reference().Matches(text).Any(m => m.Value != "$${");

    /// <summary>
    /// Replaces the references in <paramref name="text"/>. An unset variable without a default is an error at
    /// <paramref name="location"/> (the value is never echoed; only the variable's name).
    /// </summary>
    public static string Expand(string text, Func<string, string?> environment, SourceLocation location, string key, List<UserError> errors)
    {
        if (!text.Contains("${", StringComparison.Ordinal))
        {
            return text;
        }

        var result = new StringBuilder();
        var last = 0;
        foreach (Match match in Reference().Matches(text))
        {
            result.Append(text, last, match.Index - last);
            last = match.Index + match.Length;
            if (match.Value == "$${")
            {
                result.Append("${");
                continue;
            }

            var name = match.Groups["name"].Value;
            var value = environment(name);
            if (!string.IsNullOrEmpty(value))
            {
                result.Append(value);
            }
            else if (match.Groups["default"].Success)
            {
                result.Append(match.Groups["default"].Value);
            }
            else
            {
                errors.Add(location.Error(
                    ConfigErrorCodes.UndefinedVariable,
                    $"environment variable {name} is not set; set it, or write ${{{name}:-default}} to give a fallback.",
                    key));
            }
        }

        result.Append(text, last, text.Length - last);
        return result.ToString();
    }
}
