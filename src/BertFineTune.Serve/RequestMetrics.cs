namespace BertFineTune.Serve;

/// <summary>What a classify request carried, for the request log: sizes only, never the texts.</summary>
internal sealed class RequestMetrics
{
    public int? Texts { get; set; }

    public long? Chars { get; set; }
}
