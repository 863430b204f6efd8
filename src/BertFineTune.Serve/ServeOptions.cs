using BertFineTune.Diagnostics;

namespace BertFineTune.Serve;

/// <summary>How <c>bertft serve</c> listens, batches and limits requests.</summary>
public sealed record ServeOptions
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>Where to listen; loopback only unless told otherwise. Port 0 picks a free port (see <see cref="ClassifierServer.Addresses"/>).</summary>
    public IReadOnlyList<string> Urls { get; init; } = [DefaultUrl];

    /// <summary>The most texts merged into one model run.</summary>
    public int MaxBatch { get; init; } = 64;

    /// <summary>How long the first request of a batch waits for others.</summary>
    public TimeSpan BatchWindow { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>The most texts one request may carry.</summary>
    public int MaxTexts { get; init; } = 256;

    /// <summary>The most characters (UTF-16 code units) one text may have.</summary>
    public int MaxChars { get; init; } = 10_000;

    /// <summary>When set, <c>/v1/*</c> needs this key; <c>/healthz</c> and the OpenAPI document stay open.</summary>
    public ApiKey? ApiKey { get; init; }

    /// <summary>
    /// The most request-body bytes of <c>/v1/classify</c> requests worked on at once (default 32 MiB). A request that
    /// would go over it is answered 503 with <c>Retry-After</c>; one request is always let in when no other is in
    /// progress. This bounds the memory many large concurrent requests can take.
    /// </summary>
    public long MaxInFlightBytes { get; init; } = 32L << 20;

    /// <summary>How long shutdown waits for in-flight requests before it aborts them.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>One JSON object per log line instead of simple single-line text.</summary>
    public bool JsonLogs { get; init; }

    /// <summary>
    /// The largest body Kestrel reads: enough for <see cref="MaxTexts"/> texts of <see cref="MaxChars"/> characters
    /// even if every character is JSON-escaped (<c>\uXXXX</c>), so the per-text limits, not Kestrel, answer first.
    /// </summary>
    public long MaxRequestBodyBytes => (MaxTexts * ((MaxChars * 6L) + 8)) + 4096;

    /// <summary>Every problem with these options, named by their <c>bertft serve</c> flag.</summary>
    public IReadOnlyList<UserError> Validate()
    {
        var errors = new List<UserError>();
        if (Urls.Count == 0)
        {
            errors.Add(new UserError("BFT410", "No URL to listen on. Give --urls, for example http://127.0.0.1:5080.", Key: "--urls"));
        }

        foreach (var url in Urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add(new UserError("BFT410", $"'{url}' is not an http:// or https:// URL. Use for example http://127.0.0.1:5080.", Key: "--urls"));
            }
        }

        AddIfBelow(errors, MaxBatch, 1, "--max-batch");
        AddIfBelow(errors, MaxTexts, 1, "--max-texts");
        AddIfBelow(errors, MaxChars, 1, "--max-chars");
        if (MaxInFlightBytes < 1)
        {
            errors.Add(new UserError("BFT412", $"Must be positive (got {MaxInFlightBytes} bytes).", Key: "--max-inflight-mb"));
        }
        if (BatchWindow < TimeSpan.Zero || BatchWindow > TimeSpan.FromSeconds(10))
        {
            errors.Add(new UserError("BFT412", $"The batch window must be between 0 and 10000 ms (got {BatchWindow.TotalMilliseconds} ms).", Key: "--batch-window-ms"));
        }

        return errors;
    }

    /// <exception cref="UserErrorException">Any option is invalid.</exception>
    public void ThrowIfInvalid()
    {
        var errors = Validate();
        if (errors.Count > 0)
        {
            throw new UserErrorException(errors);
        }
    }

    private static void AddIfBelow(List<UserError> errors, int value, int minimum, string flag)
    {
        if (value < minimum)
        {
            errors.Add(new UserError("BFT412", $"Must be at least {minimum} (got {value}).", Key: flag));
        }
    }
}
