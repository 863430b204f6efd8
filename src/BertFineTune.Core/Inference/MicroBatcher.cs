using System.Diagnostics;
using System.Threading.Channels;

namespace BertFineTune.Inference;

/// <summary>
/// Merges concurrent classification requests into one model run: after the first request arrives it waits up to the
/// batch window for more, up to <see cref="MicroBatcherOptions.MaxBatch"/> texts, runs them together on one worker,
/// and hands each caller its own results.
/// </summary>
/// <remarks>
/// Thread-safe. One worker runs batches one after another, so the model sees one batch at a time; requests that arrive
/// meanwhile queue up and form the next batch. A cancelled request is answered at once and skipped if its batch has not
/// started. <see cref="DisposeAsync"/> stops taking requests and finishes every queued one before it returns.
/// </remarks>
public sealed class MicroBatcher : IAsyncDisposable, IDisposable
{
    private readonly Func<IReadOnlyList<string>, IReadOnlyList<TextPrediction>> runBatch;
    private readonly MicroBatcherOptions options;
    private readonly Channel<PendingRequest> queue = Channel.CreateUnbounded<PendingRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task worker;
    // Never disposed: it has no timer, and BeginDrain must stay callable after DisposeAsync.
    private readonly CancellationTokenSource draining = new();
    private long requestsSubmitted;
    private long requestsCompleted;
    private long batchesRun;
    private long textsProcessed;
    private int maxBatchTexts;
    private int maxBatchRequests;

    /// <summary>Batches for a classifier (which it does not own).</summary>
    public MicroBatcher(TextClassifier classifier, MicroBatcherOptions options)
        : this(texts => classifier.PredictBatch(texts), options)
    {
    }

    /// <summary>Batches for any function that classifies a list of texts and returns one result per text, in order.</summary>
    public MicroBatcher(Func<IReadOnlyList<string>, IReadOnlyList<TextPrediction>> runBatch, MicroBatcherOptions options)
    {
        ArgumentNullException.ThrowIfNull(runBatch);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchWindow, TimeSpan.Zero);
        this.runBatch = runBatch;
        this.options = options;
        worker = Task.Run(RunAsync);
    }

    public MicroBatcherStatistics Statistics => new(
        Interlocked.Read(ref requestsSubmitted),
        Interlocked.Read(ref requestsCompleted),
        Interlocked.Read(ref batchesRun),
        Interlocked.Read(ref textsProcessed),
        Volatile.Read(ref maxBatchTexts),
        Volatile.Read(ref maxBatchRequests));

    /// <summary>Classifies <paramref name="texts"/> together with whatever other requests arrive within the window.</summary>
    /// <exception cref="ObjectDisposedException">The batcher is shutting down.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public Task<IReadOnlyList<TextPrediction>> PredictAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<TextPrediction>>([]);
        }

        // Checked here, not in the batch: one caller's bad input must not fail the others merged with it.
        for (var i = 0; i < texts.Count; i++)
        {
            if (texts[i] is null)
            {
                throw new ArgumentException($"Text {i} is null.", nameof(texts));
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        var request = new PendingRequest(texts, cancellationToken);
        if (!queue.Writer.TryWrite(request))
        {
            request.Dispose();
            throw new ObjectDisposedException(nameof(MicroBatcher), "The micro-batcher is shutting down and takes no new requests.");
        }

        Interlocked.Increment(ref requestsSubmitted);
        return request.Completion.Task;
    }

    /// <summary>
    /// Stops waiting for batch windows: from now on each batch runs with what is already queued. Requests are still
    /// taken. A server calls this when shutdown begins, so in-flight requests are answered without waiting out the window.
    /// </summary>
    public void BeginDrain() => draining.Cancel();

    /// <summary>Stops taking requests and waits until every queued request is answered.</summary>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        BeginDrain();
        await worker.ConfigureAwait(false);
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task RunAsync()
    {
        var reader = queue.Reader;
        PendingRequest? carried = null;
        while (true)
        {
            var first = carried ?? await ReadNextAsync(reader).ConfigureAwait(false);
            carried = null;
            if (first is null)
            {
                return;
            }

            var batch = new List<PendingRequest> { first };
            var texts = first.Texts.Count;
            var deadline = Stopwatch.GetTimestamp() + (long)(options.BatchWindow.TotalSeconds * Stopwatch.Frequency);
            while (texts < options.MaxBatch)
            {
                if (reader.TryRead(out var next))
                {
                    if (texts + next.Texts.Count > options.MaxBatch)
                    {
                        carried = next;
                        break;
                    }

                    batch.Add(next);
                    texts += next.Texts.Count;
                    continue;
                }

                var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                if (remaining <= TimeSpan.Zero || draining.IsCancellationRequested || !await WaitForMoreAsync(reader, remaining, draining.Token).ConfigureAwait(false))
                {
                    break;
                }
            }

            Execute(batch);
        }
    }

    private static async Task<PendingRequest?> ReadNextAsync(ChannelReader<PendingRequest> reader)
    {
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (reader.TryRead(out var request))
            {
                return request;
            }
        }

        return null;
    }

    /// <summary>True when another request can be read before <paramref name="timeout"/>; false on timeout, drain, or when the queue is closed and empty.</summary>
    private static async Task<bool> WaitForMoreAsync(ChannelReader<PendingRequest> reader, TimeSpan timeout, CancellationToken drain)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(drain);
        timer.CancelAfter(timeout);
        try
        {
            return await reader.WaitToReadAsync(timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested)
        {
            return false;
        }
    }

    private void Execute(List<PendingRequest> batch)
    {
        // A request cancelled while queued has already been answered; it does not take room in the model run.
        var live = batch.Where(r => !r.Completion.Task.IsCompleted).ToList();
        foreach (var skipped in batch.Except(live))
        {
            Complete(skipped);
        }

        if (live.Count == 0)
        {
            return;
        }

        var texts = live.SelectMany(r => r.Texts).ToArray();
        var started = Stopwatch.GetTimestamp();
        var failed = false;
        try
        {
            var results = runBatch(texts);
            if (results.Count != texts.Length)
            {
                throw new InvalidOperationException($"The batch function returned {results.Count} results for {texts.Length} texts.");
            }

            var offset = 0;
            foreach (var request in live)
            {
                request.Completion.TrySetResult(results.Skip(offset).Take(request.Texts.Count).ToArray());
                offset += request.Texts.Count;
            }
        }
        catch (Exception e)
        {
            // Every caller in the batch hears of the failure; the worker goes on with the next batch.
            failed = true;
            foreach (var request in live)
            {
                request.Completion.TrySetException(e);
            }
        }

        foreach (var request in live)
        {
            Complete(request);
        }

        Interlocked.Increment(ref batchesRun);
        Interlocked.Add(ref textsProcessed, texts.Length);
        UpdateMax(ref maxBatchTexts, texts.Length);
        UpdateMax(ref maxBatchRequests, live.Count);
        options.OnBatch?.Invoke(new MicroBatchReport(live.Count, texts.Length, Stopwatch.GetElapsedTime(started), failed));
    }

    private void Complete(PendingRequest request)
    {
        request.Dispose();
        Interlocked.Increment(ref requestsCompleted);
    }

    private static void UpdateMax(ref int location, int value)
    {
        var current = Volatile.Read(ref location);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref location, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private sealed class PendingRequest : IDisposable
    {
        private readonly CancellationTokenRegistration registration;

        public PendingRequest(IReadOnlyList<string> texts, CancellationToken cancellationToken)
        {
            // Copied: the caller may reuse its list while the request waits.
            Texts = texts.ToArray();
            // Continuations run off the worker thread, so callers never delay the next batch.
            Completion = new TaskCompletionSource<IReadOnlyList<TextPrediction>>(TaskCreationOptions.RunContinuationsAsynchronously);
            registration = cancellationToken.Register(() => Completion.TrySetCanceled(cancellationToken));
        }

        public IReadOnlyList<string> Texts { get; }

        public TaskCompletionSource<IReadOnlyList<TextPrediction>> Completion { get; }

        public void Dispose() => registration.Dispose();
    }
}
