using BertFineTune.Diagnostics;
using BertFineTune.Tracking;

namespace BertFineTune.Tests.Tracking;

/// <summary>The background sender alone, with a backend whose start never completes: posting never blocks, the queue is bounded.</summary>
public class TrackingSenderTests
{
    [Fact]
    public async Task Posting_to_a_stuck_service_never_blocks_and_keeps_at_most_the_queue_capacity()
    {
        var backend = new StuckBackend();
        var warnings = new List<UserError>();
        var run = new TrackingRun("abcd1234", false, [], "model", "/tmp/out");
        var options = new TrackingOptions { QueueCapacity = 8, BatchInterval = TimeSpan.Zero };
        var sender = new TrackingSender(backend, run, options, warnings.Add);
        sender.Start();

        for (var step = 1; step <= 1000; step++)
        {
            sender.Post(new MetricRow(step, DateTimeOffset.UtcNow, new Dictionary<string, double> { ["train/loss"] = 1.0 / step }));
        }

        var lines = await sender.CompleteAsync(0, TimeSpan.FromMilliseconds(200));

        Assert.True(backend.Cancelled, "the end-of-run wait cancels the request in flight");
        Assert.Empty(warnings); // the service never said no; it only ran out of time
        Assert.Equal("stuck: 1001 update(s) were not sent (the service did not take them within 0 s); the run's metrics are in /tmp/out/logs.", lines[0].Replace('\\', '/'));
        Assert.StartsWith("stuck: to upload later, run: upload /tmp/out", lines[1].Replace('\\', '/'), StringComparison.Ordinal);
    }

    private sealed class StuckBackend : ITrackerBackend
    {
        public bool Cancelled { get; private set; }

        public string Name => "stuck";

        public string? RunLocation => null;

        public string? Note => null;

        public async Task StartAsync(TrackingRun run, CancellationToken ct)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            finally
            {
                Cancelled = ct.IsCancellationRequested;
            }
        }

        public Task LogAsync(IReadOnlyList<MetricRow> rows, IReadOnlyList<string> console, CancellationToken ct) => throw new InvalidOperationException("never started");

        public Task SummaryAsync(TrackingSummary summary, CancellationToken ct) => throw new InvalidOperationException("never started");

        public Task UploadAsync(TrackingArtifact artifact, CancellationToken ct) => throw new InvalidOperationException("never started");

        public Task FinishAsync(int exitCode, CancellationToken ct) => throw new InvalidOperationException("never started");

        public string OfflineHint(string outputDir) => "upload " + outputDir;

        public void Dispose()
        {
        }
    }
}
