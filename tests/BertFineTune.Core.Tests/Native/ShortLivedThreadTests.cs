using BertFineTune.Diagnostics;
using BertFineTune.Native;

namespace BertFineTune.Tests.Native;

/// <summary>The thread that model loads run on: a new one per call, gone when the call returns, failures as thrown.</summary>
public class ShortLivedThreadTests
{
    [Fact]
    public void Work_runs_on_a_new_thread_that_has_ended_when_the_result_is_back()
    {
        Thread? worker = null;
        var result = ShortLivedThread.Run(() =>
        {
            worker = Thread.CurrentThread;
            return 42;
        });

        Assert.Equal(42, result);
        Assert.NotNull(worker);
        Assert.NotEqual(Environment.CurrentManagedThreadId, worker!.ManagedThreadId);
        Assert.False(worker.IsAlive);
    }

    [Fact]
    public void A_failure_surfaces_as_the_exception_the_work_threw()
    {
        var error = Assert.Throws<UserErrorException>(() => ShortLivedThread.Run<int>(() => throw new UserErrorException("BFT999", "no such model")));
        Assert.Equal("BFT999", Assert.Single(error.Errors).Code);
    }
}
