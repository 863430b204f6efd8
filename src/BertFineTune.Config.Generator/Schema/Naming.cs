using System.Text;

namespace BertFineTune.Config.Generator.Schema;

/// <summary>snake_case / kebab-case schema names → PascalCase C# names.</summary>
internal static class Naming
{
    /// <summary><c>lr_scheduler_type</c> → <c>LrSchedulerType</c>, <c>fp16</c> → <c>Fp16</c>, <c>adamw_torch</c> → <c>AdamwTorch</c>.</summary>
    public static string Pascal(string name)
    {
        var builder = new StringBuilder(name.Length);
        var upper = true;
        foreach (var c in name)
        {
            if (c is '_' or '-' or '.' or ' ')
            {
                upper = true;
                continue;
            }

            builder.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        return builder.ToString();
    }

    /// <summary>True when <paramref name="name"/> is a plain C# identifier (letters, digits, underscore; not starting with a digit).</summary>
    public static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || char.IsDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}
