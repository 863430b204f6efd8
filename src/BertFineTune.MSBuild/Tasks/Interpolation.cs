using System;
using System.Text.RegularExpressions;

namespace BertFineTune.MSBuild;

/// <summary><c>${VAR}</c> and <c>${VAR:-default}</c> in config values, expanded the way bertft expands them.</summary>
public static class Interpolation
{
    private static readonly Regex Reference = new(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(:-(?<fallback>[^}]*))?\}", RegexOptions.CultureInvariant);

    public static string Expand(string value, Func<string, string?> environment) =>
        Reference.Replace(value, match =>
        {
            var found = environment(match.Groups["name"].Value);
            if (!string.IsNullOrEmpty(found))
            {
                return found!;
            }

            return match.Groups["fallback"].Success ? match.Groups["fallback"].Value : string.Empty;
        });
}
