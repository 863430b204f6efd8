using System.Threading.Channels;

namespace BertFineTune.Training.Batching;

/// <summary>
/// Yields collated batches in order. With workers &gt; 0 a background task tokenizes and pads ahead of the training
/// loop into a bounded channel (2 × workers batches), using up to <c>workers</c> threads per batch; with 0 everything
/// happens on the caller's thread, as HF's <c>dataloader_num_workers: 0</c>.
/// </summary>
internal static class BatchPipeline
{
    public static IEnumerable<CollatedBatch> Batches(
        TokenizedDataset data,
        IReadOnlyList<int[]> batches,
        bool withTokenTypes,
        int numLabels,
        int workers,
        CancellationToken cancellationToken)
    {
        if (workers <= 0)
        {
            foreach (var indices in batches)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return TrainingBatchCollator.Collate(data, indices, withTokenTypes, numLabels);
            }

            yield break;
        }

        var channel = Channel.CreateBounded<CollatedBatch>(new BoundedChannelOptions(Math.Max(2, 2 * workers))
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(
            async () =>
            {
                try
                {
                    var options = new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = stop.Token };
                    foreach (var indices in batches)
                    {
                        // Encode the batch's examples in parallel (cached), then pad on this thread.
                        Parallel.ForEach(indices, options, i => data.Get(i));
                        await channel.Writer.WriteAsync(TrainingBatchCollator.Collate(data, indices, withTokenTypes, numLabels), stop.Token).ConfigureAwait(false);
                    }

                    channel.Writer.TryComplete();
                }
                catch (Exception ex)
                {
                    channel.Writer.TryComplete(ex);
                }
            },
            CancellationToken.None);

        try
        {
            while (true)
            {
                CollatedBatch? next;
                try
                {
                    if (!channel.Reader.WaitToReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult())
                    {
                        break;
                    }

                    channel.Reader.TryRead(out next);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                if (next is not null)
                {
                    yield return next;
                }
            }

            // Surfaces a producer failure (a tokenizer exception) on the training thread.
            channel.Reader.Completion.GetAwaiter().GetResult();
        }
        finally
        {
            stop.Cancel();
            try
            {
                producer.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                // The consumer stopped early (early stopping, cancellation): the producer was told to stop.
            }
        }
    }
}
