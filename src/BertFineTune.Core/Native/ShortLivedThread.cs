namespace BertFineTune.Native;

/// <summary>
/// Runs LibTorch work that precedes training (loading a model, timing matmuls) on a thread of its own that ends with
/// it, so that the OpenMP worker threads it starts end too.
/// </summary>
/// <remarks>
/// libgomp keeps a team of worker threads for every thread that ran a parallel op, as long as that thread lives, and
/// counts them all: once they outnumber the CPUs, every waiting worker spins only ~100 times before it sleeps, and
/// each parallel op of the training thread then pays a futex wake-up. A model loaded on a thread-pool thread left such
/// a team for the ~20 s until the pool retired the thread: on 2 cores a bf16 MiniLM run trained at ~46 samples/s for
/// its first ~60 steps and 65–70 after (both OpenMP threads of the training team then ran at ~100 % instead of 90 %
/// and 78 %), and <c>bertft bench</c>, whose matmul-peak thread lived through the timed steps, stayed at ~50.
/// </remarks>
public static class ShortLivedThread
{
    /// <summary>Runs <paramref name="work"/> on a new thread and waits for it; exceptions surface as thrown.</summary>
    /// <remarks>
    /// A plain thread joined, not a long-running task: a task completes before its thread has exited, and libgomp frees
    /// the thread's team only at the exit.
    /// </remarks>
    public static T Run<T>(Func<T> work)
    {
        T? result = default;
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                failure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e);
            }
        })
        {
            IsBackground = true,
            Name = "bertft torch setup",
        };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result!;
    }
}
