namespace BertFineTune.Data.Reading;

/// <summary>
/// A text reader that refuses to hand out more than <c>max</c> characters past the start of the current record, so a
/// parser that buffers a whole record (CsvHelper does) can never buffer more than that plus its own read-ahead. The
/// caller moves <see cref="RecordStart"/> after each record; crossing the limit throws <see cref="RecordTooLongException"/>.
/// </summary>
internal sealed class BoundedRecordReader(TextReader inner, long maxRecordChars) : TextReader
{
    private long _delivered;

    /// <summary>The character offset where the record being parsed starts.</summary>
    public long RecordStart { get; set; }

    public override int Peek() => inner.Peek();

    public override int Read()
    {
        var c = inner.Read();
        Count(c < 0 ? 0 : 1);
        return c;
    }

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer) => Count(inner.Read(buffer[..Clamp(buffer.Length)]));

    public override Task<int> ReadAsync(char[] buffer, int index, int count) => ReadAsync(buffer.AsMemory(index, count)).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default)
    {
        var n = Clamp(buffer.Length);
        return Count(await inner.ReadAsync(buffer[..n], cancellationToken));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>How much may be read now: never past the limit, but at least one character so the limit is detected.</summary>
    private int Clamp(int wanted)
    {
        var left = RecordStart + maxRecordChars - _delivered;
        if (left <= 0)
        {
            throw new RecordTooLongException();
        }

        return (int)Math.Min(wanted, left);
    }

    private int Count(int read)
    {
        _delivered += read;
        return read;
    }
}

/// <summary>A record grew past the reader's limit; the tabular reader turns it into a BFT128 error naming the row.</summary>
internal sealed class RecordTooLongException : Exception
{
}
