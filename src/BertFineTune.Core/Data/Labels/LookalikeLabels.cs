using System.Globalization;
using System.Text;
using BertFineTune.Diagnostics;

namespace BertFineTune.Data.Labels;

/// <summary>
/// Labels that print alike but are different strings (<c>spam</c> and <c>spam\u200b</c>, <c>ham</c> and <c>ham </c>)
/// become separate classes that nobody can tell apart in a report. They are found by dropping every invisible character
/// (format, control, whitespace) and reported as a BFT130 warning with the hidden characters spelled out.
/// </summary>
public static class LookalikeLabels
{
    public static IReadOnlyList<UserError> Find(IReadOnlyList<string> labels) =>
        labels.GroupBy(Visible, StringComparer.Ordinal)
            .Where(group => group.Count() > 1)
            .Select(group => new UserError(
                DataErrorCodes.LookalikeLabels,
                $"The labels {string.Join(" and ", group.Select(l => $"'{Escape(l)}'"))} differ only in invisible or whitespace characters, so they are separate classes that look the same. "
                + "Clean the label column, or merge them with label_map.",
                Severity: Severity.Warning))
            .ToList();

    /// <summary>The label with every invisible or whitespace character written as <c>\uXXXX</c>, so a message shows the difference.</summary>
    public static string Escape(string label)
    {
        var text = new StringBuilder(label.Length);
        foreach (var c in label)
        {
            if (IsInvisible(c))
            {
                text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    private static string Visible(string label) => string.Concat(label.Where(c => !IsInvisible(c)));

    private static bool IsInvisible(char c) => char.IsWhiteSpace(c) || char.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.Control;
}
