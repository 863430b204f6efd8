namespace BertFineTune.Tracking;

/// <summary>
/// How the background senders behave. The defaults suit real services; tests shrink the times.
/// Training never waits on any of these: only <see cref="FinishTimeout"/> bounds a wait, once, at the very end.
/// </summary>
public sealed record TrackingOptions
{
    /// <summary>Where MLflow's token/user/password and other client variables are read from.</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>One HTTP request's limit, connection included.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Tries per update before the service counts as unreachable for the rest of the run.</summary>
    public int MaxAttempts { get; init; } = 6;

    /// <summary>First pause between tries; it doubles each time up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Updates waiting to be sent; beyond this, new ones are dropped (and counted), so memory stays bounded.</summary>
    public int QueueCapacity { get; init; } = 10_000;

    /// <summary>
    /// How long the sender gathers rows before a request, so a run that logs every step makes a few requests a
    /// minute rather than one per step (W&amp;B's own client sends every 15 s). The end of the run does not wait for it.
    /// </summary>
    public TimeSpan BatchInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the end of the run waits for the last updates and uploads.</summary>
    public TimeSpan FinishTimeout { get; init; } = TimeSpan.FromMinutes(2);
}
