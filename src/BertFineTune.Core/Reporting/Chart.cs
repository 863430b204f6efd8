namespace BertFineTune.Reporting;

/// <summary>Where a chart belongs in the report.</summary>
internal enum ChartPlacement
{
    TrainingCurves,
    ConfusionMatrix,
    PerClass,
}

/// <summary>A rendered chart: its PNG bytes, the file it is saved to, and the split it describes (if any).</summary>
internal sealed record Chart(string FileName, string Title, ChartPlacement Placement, string? Split, byte[] Png);
