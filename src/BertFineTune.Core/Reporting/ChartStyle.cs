using ScottPlot;

namespace BertFineTune.Reporting;

/// <summary>One look for every chart, matching the report's colours.</summary>
internal static class ChartStyle
{
    private static readonly string[] Palette =
        ["#1f5fa8", "#d9622b", "#2e9e5b", "#8e44ad", "#c0392b", "#16a2b8", "#7f6a00", "#e84393", "#555555"];

    // ScottPlot's own default sans font is often not installed on Linux servers; pick a common one that is.
    private static readonly Lazy<string> SansFont = new(() =>
    {
        var installed = SkiaSharp.SKFontManager.Default.FontFamilies.ToHashSet(StringComparer.OrdinalIgnoreCase);
        return new[] { "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "Segoe UI" }.FirstOrDefault(installed.Contains) ?? Fonts.Sans;
    });

    public static Color SeriesColor(int index) => Color.FromHex(Palette[index % Palette.Length]);

    public static void Apply(Plot plot)
    {
        plot.FigureBackground.Color = Colors.White;
        plot.DataBackground.Color = Colors.White;
        plot.Grid.MajorLineColor = Color.FromHex("#e6e9ef");
        plot.Axes.Color(Color.FromHex("#333333"));
        plot.Font.Set(SansFont.Value);
    }
}
