using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace BertFineTune.Tracking;

/// <summary>A request the service answered with an error status, or a GraphQL error; says whether a retry can help.</summary>
internal sealed class TrackingRequestException(string message, HttpStatusCode? status, bool retryable) : Exception(message)
{
    public HttpStatusCode? Status { get; } = status;

    public bool Retryable { get; } = retryable;

    /// <summary>401/403: the credentials are wrong; no later request will do better.</summary>
    public bool Unauthorized => Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;
}

/// <summary>
/// One tracking service's HTTP client: a base address, the auth header, a limit per request, and JSON in and out.
/// Bodies are checked for the secrets before they leave (a secret is never sent in a body, only in the auth header),
/// and error messages carry the status and the server's text, never a header.
/// </summary>
internal sealed class TrackingHttp : IDisposable
{
    private readonly HttpClient _client;
    private readonly TimeSpan _timeout;
    private readonly SecretScrubber _scrubber;

    public TrackingHttp(Uri baseAddress, AuthenticationHeaderValue? auth, TimeSpan timeout, SecretScrubber scrubber)
    {
        var handler = new SocketsHttpHandler { ConnectTimeout = timeout, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        _client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.Authorization = auth;
        _client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("bertft", TrackingRun.ToolVersion));
        _timeout = timeout;
        _scrubber = scrubber;
    }

    public Uri BaseAddress => _client.BaseAddress!;

    public Task<JsonNode?> PostJsonAsync(string path, JsonNode body, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, path, Json(body), ct);

    public Task<JsonNode?> GetJsonAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    public Task<JsonNode?> PutAsync(string path, HttpContent content, CancellationToken ct) => SendAsync(HttpMethod.Put, path, content, ct);

    public void Dispose() => _client.Dispose();

    private StringContent Json(JsonNode body)
    {
        var text = _scrubber.Scrub(body.ToJsonString());
        return new StringContent(text, Encoding.UTF8, "application/json");
    }

    private async Task<JsonNode?> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_timeout);
        using var request = new HttpRequestMessage(method, path) { Content = content };
        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TrackingRequestException($"no answer within {_timeout.TotalSeconds:0.#} s", null, retryable: true);
        }
        catch (HttpRequestException e)
        {
            throw new TrackingRequestException(_scrubber.Scrub(e.Message), null, retryable: true);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                var status = response.StatusCode;
                var retryable = status is not (HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                    or HttpStatusCode.NotFound or HttpStatusCode.Conflict or HttpStatusCode.Gone or HttpStatusCode.UnprocessableEntity);
                var detail = text.Length > 300 ? text[..300] + "…" : text;
                throw new TrackingRequestException(_scrubber.Scrub($"{(int)status} {response.ReasonPhrase}: {detail}".TrimEnd(' ', ':')), status, retryable);
            }

            try
            {
                return text.Length == 0 ? null : JsonNode.Parse(text);
            }
            catch (System.Text.Json.JsonException)
            {
                throw new TrackingRequestException($"the answer to {method} {path} is not JSON", response.StatusCode, retryable: false);
            }
        }
    }
}

/// <summary>Replaces every secret (API key, token, password) in a text by <c>***</c>.</summary>
public sealed class SecretScrubber(IEnumerable<string?> secrets)
{
    private readonly string[] _secrets = secrets.OfType<string>().Where(s => s.Length >= 4).Distinct().ToArray();

    public string Scrub(string text)
    {
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        }

        return text;
    }
}
