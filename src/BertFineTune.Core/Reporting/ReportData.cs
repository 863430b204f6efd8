namespace BertFineTune.Reporting;

/// <summary>Everything <see cref="ReportWriter"/> needs; plain records, so Reporting never depends on Training.</summary>
public sealed record ReportData
{
    /// <summary>The page heading, e.g. <c>Training report</c> or <c>Evaluation report</c>.</summary>
    public required string Title { get; init; }

    public required RunInfo Run { get; init; }

    /// <summary>The metrics; also written as <c>metrics.json</c>.</summary>
    public required MetricsDocument Metrics { get; init; }

    /// <summary>The config summary as key/value rows, already masked by the caller (masked again here defensively).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Config { get; init; } = [];

    /// <summary>The training history for the curves; empty for <c>bertft evaluate</c> (the report then has no curves).</summary>
    public IReadOnlyList<LogHistoryEntry> LogHistory { get; init; } = [];
}

/// <summary>The files <see cref="ReportWriter.WriteAsync"/> wrote.</summary>
/// <param name="MetricsJsonPath">The <c>metrics.json</c> path.</param>
/// <param name="ReportHtmlPath">The <c>report.html</c> path.</param>
/// <param name="ChartPaths">The PNG charts saved next to the report.</param>
public sealed record ReportFiles(string MetricsJsonPath, string ReportHtmlPath, IReadOnlyList<string> ChartPaths);
