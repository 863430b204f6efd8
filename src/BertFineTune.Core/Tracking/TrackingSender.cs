using System.Threading.Channels;
using BertFineTune.Diagnostics;

namespace BertFineTune.Tracking;

/// <summary>
/// Sends one backend's updates from its own task, so training never waits on the network. Updates wait in a bounded
/// queue (new ones are dropped and counted when it is full); each is tried <see cref="TrackingOptions.MaxAttempts"/>
/// times with doubling pauses. When the service stays unreachable, or rejects the credentials, the sender warns once
/// and stops sending for the rest of the run; <see cref="CompleteAsync"/> then says how to upload later.
/// </summary>
internal sealed class TrackingSender
{
    /// <summary>Warning: the service could not be reached, or refused updates; training goes on.</summary>
    public const string Unreachable = "BFT520";

    /// <summary>Warning: the service rejected the credentials (401/403); training goes on.</summary>
    public const string Rejected = "BFT521";

    private const int MaxRowsPerRequest = 500;

    private readonly ITrackerBackend _backend;
    private readonly TrackingRun _run;
    private readonly TrackingOptions _options;
    private readonly Action<UserError> _warn;
    private readonly Channel<object> _queue;
    private readonly CancellationTokenSource _abort = new();
    private readonly TaskCompletionSource _completing = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;
    private volatile int _exitCode;
    private int _dropped;
    private int _unsent;
    private volatile bool _offline;
    private string _why = "the queue was full";
    private int _warned;

    public TrackingSender(ITrackerBackend backend, TrackingRun run, TrackingOptions options, Action<UserError> warn)
    {
        _backend = backend;
        _run = run;
        _options = options;
        _warn = warn;
        _queue = Channel.CreateBounded<object>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails at once instead of blocking: we count the drop.
        });
    }

    public string Name => _backend.Name;

    public void Start() => _loop = Task.Run(RunAsync);

    public void Post(object update)
    {
        if (_offline || !_queue.Writer.TryWrite(update))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>
    /// Sends what is queued, marks the run finished with <paramref name="exitCode"/>, and waits at most
    /// <paramref name="timeout"/>; returns the lines to print at the end of the run.
    /// </summary>
    public async Task<IReadOnlyList<string>> CompleteAsync(int exitCode, TimeSpan timeout)
    {
        _exitCode = exitCode;
        _queue.Writer.TryComplete();
        _completing.TrySetResult();
        var finished = _loop is null || await Task.WhenAny(_loop, Task.Delay(timeout)) == _loop;
        if (!finished)
        {
            await _abort.CancelAsync();
            await _loop!.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        while (_queue.Reader.TryRead(out _))
        {
            _unsent++;
        }

        _backend.Dispose();
        var lost = _unsent + _dropped;
        if (finished && !_offline && lost == 0)
        {
            return _backend.Note is { } note ? [$"{Name}: run {_backend.RunLocation}", $"{Name}: {note}"] : [$"{Name}: run {_backend.RunLocation}"];
        }

        var why = finished ? _why : $"the service did not take them within {timeout.TotalSeconds:0} s";
        return
        [
            $"{Name}: {Math.Max(lost, 1)} update(s) were not sent ({why}); the run's metrics are in {Path.Combine(_run.OutputDir, "logs")}.",
            $"{Name}: to upload later, run: {_backend.OfflineHint(_run.OutputDir)}",
        ];
    }

    private async Task RunAsync()
    {
        var ct = _abort.Token;
        try
        {
            if (!await TryAsync("start the run", () => _backend.StartAsync(_run, ct), ct))
            {
                _offline = true; // Nothing can be sent to a run that does not exist.
                return;
            }

            while (await _queue.Reader.WaitToReadAsync(ct))
            {
                if (_options.BatchInterval > TimeSpan.Zero && !_completing.Task.IsCompleted)
                {
                    await Task.WhenAny(Task.Delay(_options.BatchInterval, ct), _completing.Task);
                    ct.ThrowIfCancellationRequested();
                }

                var rows = new List<MetricRow>();
                var console = new List<string>();
                while (rows.Count < MaxRowsPerRequest && _queue.Reader.TryPeek(out var next) && next is MetricRow or string)
                {
                    _queue.Reader.TryRead(out next);
                    if (next is MetricRow row)
                    {
                        rows.Add(row);
                    }
                    else
                    {
                        console.Add((string)next!);
                    }
                }

                bool sent;
                if (rows.Count + console.Count > 0)
                {
                    sent = await TryAsync("send metrics", () => _backend.LogAsync(rows, console, ct), ct);
                    _unsent += sent ? 0 : rows.Count + console.Count;
                }
                else if (_queue.Reader.TryRead(out var item))
                {
                    sent = item switch
                    {
                        TrackingSummary summary => await TryAsync("send the summary", () => _backend.SummaryAsync(summary, ct), ct),
                        TrackingArtifact artifact => await TryAsync($"upload {artifact.ArtifactPath}", () => _backend.UploadAsync(artifact, ct), ct),
                        _ => true,
                    };
                    _unsent += sent ? 0 : 1;
                }

                if (_offline)
                {
                    return;
                }
            }

            if (!await TryAsync("mark the run finished", () => _backend.FinishAsync(_exitCode, ct), ct))
            {
                _unsent++;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            _unsent++; // The update in flight when the end-of-run wait ran out.
        }
        catch (Exception e)
        {
            // A fault of ours must not reach training either; it ends this sender like an unreachable service.
            _why = "sending stopped on an error";
            GoOffline(Unreachable, $"{Name}: stopped sending ({e.GetType().Name}: {e.Message}). Training continues without {Name}.");
        }
    }

    /// <summary>One update with retries; false when it was given up (the sender may then be offline).</summary>
    private async Task<bool> TryAsync(string what, Func<Task> send, CancellationToken ct)
    {
        var pause = _options.FirstBackoff;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await send();
                return true;
            }
            catch (TrackingRequestException e) when (e.Unauthorized)
            {
                _why = "the credentials were rejected";
                GoOffline(Rejected, $"{Name}: the server rejected the credentials ({e.Message}) while trying to {what}; check them. Training continues without {Name}.");
                return false;
            }
            catch (TrackingRequestException e) when (!e.Retryable)
            {
                _why = "the service refused them";
                WarnOnce(Unreachable, $"{Name}: the server refused to {what} ({e.Message}); that update is skipped, training continues.");
                return false;
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                if (attempt >= _options.MaxAttempts)
                {
                    _why = "the service was not reachable";
                    GoOffline(Unreachable, $"{Name}: could not {what} after {attempt} tries ({e.Message}). Training continues without {Name}; the end of the run says how to upload later.");
                    return false;
                }
            }

            await Task.Delay(pause, ct);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, _options.MaxBackoff.Ticks));
        }
    }

    private void GoOffline(string code, string message)
    {
        _offline = true;
        WarnOnce(code, message);
    }

    private void WarnOnce(string code, string message)
    {
        if (Interlocked.Exchange(ref _warned, 1) == 0)
        {
            _warn(new UserError(code, message, Key: "loggings.report_to", Severity: Severity.Warning));
        }
    }
}
