using System.Globalization;
using System.Net;

namespace BertFineTune.Reporting;

/// <summary>Small helpers for writing HTML text: every user string goes through <see cref="Encode"/>.</summary>
internal static class Html
{
    public static string Encode(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    public static string Number(double? value, int decimals = 4) => value switch
    {
        null => "—",
        { } v when double.IsNaN(v) => "NaN",
        { } v when Math.Abs(v) is > 0 and < 1e-3 => v.ToString("0.###e+0", CultureInfo.InvariantCulture),
        { } v => v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
    };

    public static string Integer(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan duration) =>
        duration.TotalHours >= 1
            ? $"{(int)duration.TotalHours}h {duration.Minutes:00}m {duration.Seconds:00}s"
            : duration.TotalMinutes >= 1 ? $"{duration.Minutes}m {duration.Seconds:00}s" : $"{duration.TotalSeconds:0.0}s";

    public static string PngImage(byte[] png, string alt) =>
        $"<img src=\"data:image/png;base64,{Convert.ToBase64String(png)}\" alt=\"{Encode(alt)}\">";

    /// <summary>A cell colour between white and the report blue, for a share in [0, 1].</summary>
    public static string HeatColor(double share)
    {
        share = Math.Clamp(share, 0, 1);
        static int Mix(int from, int to, double t) => (int)Math.Round(from + ((to - from) * t));
        return $"rgb({Mix(255, 31, share)},{Mix(255, 95, share)},{Mix(255, 168, share)})";
    }
}
