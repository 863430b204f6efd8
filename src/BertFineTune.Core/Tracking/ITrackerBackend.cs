namespace BertFineTune.Tracking;

/// <summary>
/// One tracking service's protocol. Each call is one attempt: it throws <see cref="TrackingRequestException"/> (or
/// another exception) when it did not get through, and must be safe to call again with the same arguments, because
/// <see cref="TrackingSender"/> retries it. Calls come from one sender thread, one at a time.
/// </summary>
internal interface ITrackerBackend : IDisposable
{
    /// <summary><c>wandb</c> or <c>mlflow</c>, as in <c>report_to</c>.</summary>
    string Name { get; }

    /// <summary>Where to see the run, once started.</summary>
    string? RunLocation { get; }

    /// <summary>Something the user should know at the end (for example: artifacts were not uploaded, and why).</summary>
    string? Note { get; }

    /// <summary>Creates the run, or finds it again when <see cref="TrackingRun.Resuming"/>.</summary>
    Task StartAsync(TrackingRun run, CancellationToken ct);

    /// <summary>History rows (in step order) and console lines.</summary>
    Task LogAsync(IReadOnlyList<MetricRow> rows, IReadOnlyList<string> console, CancellationToken ct);

    Task SummaryAsync(TrackingSummary summary, CancellationToken ct);

    Task UploadAsync(TrackingArtifact artifact, CancellationToken ct);

    /// <summary>Marks the run finished (exit code 0) or failed (another code).</summary>
    Task FinishAsync(int exitCode, CancellationToken ct);

    /// <summary>What to run on a machine with network to upload this run later.</summary>
    string OfflineHint(string outputDir);
}
