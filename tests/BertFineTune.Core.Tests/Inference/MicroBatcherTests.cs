using BertFineTune.Inference;
using BertFineTune.Native;
using BertFineTune.Tests.Inference.Support;

namespace BertFineTune.Tests.Inference;

/// <summary>
/// The batcher runs a real tiny classifier behind a gate: the first batch holds the worker until the test has queued
/// the requests it wants merged, so what gets batched together is decided by the test, not by timing.
/// </summary>
public sealed class MicroBatcherTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TextClassifier classifier;
    private readonly SemaphoreSlim gate = new(0);
    private readonly TaskCompletionSource firstBatchStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int batchCalls;

    public MicroBatcherTests()
    {
        TorchNativeLoader.EnsureLoaded();
        classifier = TinyClassifiers.Sentiment(new TextClassifierOptions { BatchSize = 8 });
    }

    public void Dispose()
    {
        classifier.Dispose();
        gate.Dispose();
    }

    [Fact]
    public async Task Requests_queued_while_a_batch_runs_are_merged_and_each_caller_gets_its_own_results()
    {
        await using var batcher = GatedBatcher(new MicroBatcherOptions { MaxBatch = 64, BatchWindow = TimeSpan.FromMilliseconds(20) });
        var texts = TinyClassifiers.Texts(11);
        var first = batcher.PredictAsync([texts[0]]);
        await firstBatchStarted.Task.WaitAsync(Patience);

        var rest = texts.Skip(1).Select(t => batcher.PredictAsync([t, t + " again"])).ToArray();
        gate.Release(2);
        var answers = await Task.WhenAll(rest).WaitAsync(Patience);

        TextClassifierTests.AssertSame(classifier.Predict(texts[0]), (await first).Single());
        for (var i = 0; i < rest.Length; i++)
        {
            Assert.Equal(2, answers[i].Count);
            TextClassifierTests.AssertSame(classifier.Predict(texts[i + 1]), answers[i][0]);
            TextClassifierTests.AssertSame(classifier.Predict(texts[i + 1] + " again"), answers[i][1]);
        }

        var stats = batcher.Statistics;
        Assert.Equal(2, stats.BatchesRun);
        Assert.Equal(10, stats.MaxBatchRequests);
        Assert.Equal(20, stats.MaxBatchTexts);
        Assert.Equal(21, stats.TextsProcessed);
        Assert.Equal(11, stats.RequestsCompleted);
    }

    [Fact]
    public async Task A_batch_never_exceeds_the_max_batch_but_a_larger_single_request_runs_alone()
    {
        await using var batcher = GatedBatcher(new MicroBatcherOptions { MaxBatch = 4, BatchWindow = TimeSpan.Zero });
        var texts = TinyClassifiers.Texts(10);
        var first = batcher.PredictAsync([texts[0]]);
        await firstBatchStarted.Task.WaitAsync(Patience);

        var singles = texts.Select(t => batcher.PredictAsync([t])).ToArray();
        var big = batcher.PredictAsync(texts);
        gate.Release(100);
        await Task.WhenAll([first, big, .. singles]).WaitAsync(Patience);

        var bigResults = await big;
        for (var i = 0; i < texts.Length; i++)
        {
            TextClassifierTests.AssertSame(classifier.Predict(texts[i]), (await singles[i]).Single());
            TextClassifierTests.AssertSame(classifier.Predict(texts[i]), bigResults[i]);
        }

        var stats = batcher.Statistics;
        Assert.Equal(10, stats.MaxBatchTexts);
        // 1 (first) + 10 singles in batches of 4 (4, 4, 2) + the big one alone.
        Assert.Equal(5, stats.BatchesRun);
        Assert.Equal(4, stats.MaxBatchRequests);
    }

    [Fact]
    public async Task A_request_cancelled_while_queued_is_answered_at_once_and_never_run()
    {
        await using var batcher = GatedBatcher(new MicroBatcherOptions { BatchWindow = TimeSpan.Zero });
        var first = batcher.PredictAsync(["first"]);
        await firstBatchStarted.Task.WaitAsync(Patience);
        using var cancel = new CancellationTokenSource();

        var doomed = batcher.PredictAsync(["never classified"], cancel.Token);
        var kept = batcher.PredictAsync(["kept"]);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => doomed.WaitAsync(Patience));
        gate.Release(100);
        await Task.WhenAll(first, kept).WaitAsync(Patience);
        Assert.Equal(2, batcher.Statistics.TextsProcessed);
    }

    [Fact]
    public async Task Shutdown_refuses_new_requests_and_answers_every_queued_one()
    {
        var batcher = GatedBatcher(new MicroBatcherOptions { MaxBatch = 2, BatchWindow = TimeSpan.FromMilliseconds(5) });
        var texts = TinyClassifiers.Texts(6);
        var first = batcher.PredictAsync([texts[0]]);
        await firstBatchStarted.Task.WaitAsync(Patience);
        var queued = texts.Skip(1).Select(t => batcher.PredictAsync([t])).ToArray();

        var shutdown = batcher.DisposeAsync().AsTask();
        Assert.Throws<ObjectDisposedException>(() => { _ = batcher.PredictAsync(["too late"]); });
        Assert.False(shutdown.IsCompleted);
        gate.Release(100);
        await shutdown.WaitAsync(Patience);

        Assert.All(queued, q => Assert.True(q.IsCompletedSuccessfully));
        for (var i = 0; i < queued.Length; i++)
        {
            TextClassifierTests.AssertSame(classifier.Predict(texts[i + 1]), (await queued[i]).Single());
        }

        Assert.Equal(6, batcher.Statistics.RequestsCompleted);
    }

    [Fact]
    public async Task A_failing_batch_fails_its_callers_and_the_next_batch_still_runs()
    {
        var calls = 0;
        await using var batcher = new MicroBatcher(
            texts => Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException("model exploded") : classifier.PredictBatch(texts),
            new MicroBatcherOptions { BatchWindow = TimeSpan.Zero });

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => batcher.PredictAsync(["one"]));
        var after = await batcher.PredictAsync(["two"]);

        Assert.Equal("model exploded", failure.Message);
        TextClassifierTests.AssertSame(classifier.Predict("two"), after.Single());
    }

    [Fact]
    public async Task A_null_text_is_refused_before_it_can_spoil_a_shared_batch()
    {
        await using var batcher = new MicroBatcher(classifier, new MicroBatcherOptions());

        Assert.Throws<ArgumentException>(() => { _ = batcher.PredictAsync(["fine", null!]); });
        Assert.Empty(await batcher.PredictAsync([]));
        Assert.Equal(0, batcher.Statistics.RequestsSubmitted);
    }

    private MicroBatcher GatedBatcher(MicroBatcherOptions options) => new(
        texts =>
        {
            Interlocked.Increment(ref batchCalls);
            firstBatchStarted.TrySetResult();
            if (!gate.Wait(Patience))
            {
                throw new TimeoutException("The test never opened the gate.");
            }

            return classifier.PredictBatch(texts);
        },
        options);
}
