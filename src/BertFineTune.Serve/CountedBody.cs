namespace BertFineTune.Serve;

/// <summary>The bytes one classify request holds against the in-flight budget (<see cref="RequestAdmission"/>).</summary>
internal sealed class BodyReservation(RequestAdmission admission, long declared)
{
    public long Bytes { get; private set; } = declared;

    /// <exception cref="InFlightBudgetExceededException">The budget is spent by other requests.</exception>
    public void Grow(int bytes)
    {
        if (!admission.TryGrow(bytes))
        {
            throw new InFlightBudgetExceededException();
        }

        Bytes += bytes;
    }
}

/// <summary>A body of undeclared length went over the in-flight budget while it was read; the answer is 503.</summary>
internal sealed class InFlightBudgetExceededException : Exception
{
    public InFlightBudgetExceededException()
        : base("The in-flight budget (--max-inflight-mb) is spent.")
    {
    }

    public InFlightBudgetExceededException(string message)
        : base(message)
    {
    }

    public InFlightBudgetExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A read-only request body that adds every byte read to its request's reservation.</summary>
internal sealed class CountedBody(Stream inner, BodyReservation reservation) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Counted(await inner.ReadAsync(buffer, cancellationToken));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Counted(int read)
    {
        reservation.Grow(read);
        return read;
    }
}
