namespace BertFineTune.Inference;

/// <summary>How a <see cref="MicroBatcher"/> gathers concurrent requests.</summary>
public sealed record MicroBatcherOptions
{
    /// <summary>The most texts run together. A single request with more texts runs alone.</summary>
    public int MaxBatch { get; init; } = 64;

    /// <summary>How long to wait for more requests after the first one arrives; zero runs what is already queued.</summary>
    public TimeSpan BatchWindow { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Called after each batch on the batching thread, for logs; must be quick and must not throw.</summary>
    public Action<MicroBatchReport>? OnBatch { get; init; }
}

/// <summary>One batch that ran: how many requests and texts it merged and how long the model took.</summary>
public sealed record MicroBatchReport(int Requests, int Texts, TimeSpan Elapsed, bool Failed);

/// <summary>Counters since the batcher started.</summary>
/// <param name="RequestsSubmitted">Requests accepted into the queue.</param>
/// <param name="RequestsCompleted">Requests answered (with results, an error or a cancellation).</param>
/// <param name="BatchesRun">Model runs.</param>
/// <param name="TextsProcessed">Texts classified.</param>
/// <param name="MaxBatchTexts">The most texts in one run.</param>
/// <param name="MaxBatchRequests">The most requests merged into one run.</param>
public sealed record MicroBatcherStatistics(
    long RequestsSubmitted,
    long RequestsCompleted,
    long BatchesRun,
    long TextsProcessed,
    int MaxBatchTexts,
    int MaxBatchRequests);
