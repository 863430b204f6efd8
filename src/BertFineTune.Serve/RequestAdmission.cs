namespace BertFineTune.Serve;

/// <summary>
/// What the server has taken on at once: requests in progress (so shutdown can wait for exactly those) and the body
/// bytes of classify requests being worked on (so many large requests at once cannot exhaust memory). Thread-safe.
/// </summary>
internal sealed class RequestAdmission(long maxInFlightBytes)
{
    private readonly Lock gate = new();
    private readonly TaskCompletionSource idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long inFlightBytes;
    private int classifyRequests;
    private int requests;
    private bool draining;

    /// <summary>True once shutdown has begun: every new request is answered 503.</summary>
    public bool Draining
    {
        get
        {
            lock (gate)
            {
                return draining;
            }
        }
    }

    public int RequestsInProgress
    {
        get
        {
            lock (gate)
            {
                return requests;
            }
        }
    }

    public long InFlightBytes
    {
        get
        {
            lock (gate)
            {
                return inFlightBytes;
            }
        }
    }

    /// <summary>Counts a request as in progress, unless shutdown has begun (then it returns false and counts nothing).</summary>
    public bool TryBeginRequest()
    {
        lock (gate)
        {
            if (draining)
            {
                return false;
            }

            requests++;
            return true;
        }
    }

    public void EndRequest()
    {
        lock (gate)
        {
            requests--;
            SignalIfIdle();
        }
    }

    /// <summary>
    /// Reserves <paramref name="bytes"/> of the in-flight budget for one classify request. A request is always let in
    /// when no other classify request is in progress, so one request at the per-request limits is never refused forever.
    /// </summary>
    public bool TryReserve(long bytes)
    {
        lock (gate)
        {
            if (classifyRequests > 0 && inFlightBytes + bytes > maxInFlightBytes)
            {
                return false;
            }

            classifyRequests++;
            inFlightBytes += bytes;
            return true;
        }
    }

    /// <summary>
    /// Adds <paramref name="bytes"/> to a classify request already let in (a body of undeclared length, counted as it
    /// is read); false when that would go over the budget while other classify requests are in progress.
    /// </summary>
    public bool TryGrow(long bytes)
    {
        lock (gate)
        {
            if (classifyRequests > 1 && inFlightBytes + bytes > maxInFlightBytes)
            {
                return false;
            }

            inFlightBytes += bytes;
            return true;
        }
    }

    public void Release(long bytes)
    {
        lock (gate)
        {
            classifyRequests--;
            inFlightBytes -= bytes;
        }
    }

    /// <summary>Refuses new requests from now on and completes once the requests in progress have finished.</summary>
    public Task BeginDrainAsync()
    {
        lock (gate)
        {
            draining = true;
            SignalIfIdle();
        }

        return idle.Task;
    }

    private void SignalIfIdle()
    {
        if (draining && requests == 0)
        {
            idle.TrySetResult();
        }
    }
}
