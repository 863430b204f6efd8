using ScottPlot;

namespace BertFineTune.Reporting;

/// <summary>White to the report blue, the same ramp as the HTML heat map (<see cref="Html.HeatColor"/>).</summary>
internal sealed class ReportColormap : IColormap
{
    public string Name => "bertft-blues";

    public Color GetColor(double normalizedIntensity)
    {
        var t = double.IsFinite(normalizedIntensity) ? Math.Clamp(normalizedIntensity, 0, 1) : 0;
        static byte Mix(int from, int to, double t) => (byte)Math.Round(from + ((to - from) * t));
        return new Color(Mix(255, 31, t), Mix(255, 95, t), Mix(255, 168, t));
    }
}
