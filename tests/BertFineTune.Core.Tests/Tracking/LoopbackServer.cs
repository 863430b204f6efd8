using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace BertFineTune.Tests.Tracking;

/// <summary>One request as the server saw it.</summary>
internal sealed record RecordedRequest(string Method, string Path, string Query, string? Authorization, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);

    public JsonNode? Json => Body.Length == 0 ? null : JsonNode.Parse(Body);
}

/// <summary>
/// An HTTP server on 127.0.0.1 for protocol tests: records every request, can fail the next N requests with a status,
/// or never answer at all; subclasses implement the service's endpoints and add to <see cref="Problems"/> whatever a
/// request gets wrong (method, path, auth header, body shape), which the tests require to stay empty.
/// </summary>
internal abstract class LoopbackServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _failNext;

    protected LoopbackServer()
    {
        var port = FreePort();
        Endpoint = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Endpoint.ToString());
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public Uri Endpoint { get; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public ConcurrentQueue<string> Problems { get; } = new();

    /// <summary>Accept connections and read requests, but never answer (until disposed).</summary>
    public bool NeverAnswer { get; set; }

    public int FailStatus { get; set; } = 500;

    /// <summary>The next <paramref name="count"/> requests get <see cref="FailStatus"/> before any endpoint sees them.</summary>
    public void FailNext(int count) => Volatile.Write(ref _failNext, count);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }

    /// <summary>Answers one request: a status and a JSON body (or none).</summary>
    protected abstract (int Status, JsonNode? Body) Handle(RecordedRequest request);

    protected void Problem(RecordedRequest request, string what) => Problems.Enqueue($"{request.Method} {request.Path}: {what}");

    protected static (int, JsonNode?) Json(JsonNode body) => (200, body);

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(context));
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        try
        {
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var url = context.Request.Url!;
            var request = new RecordedRequest(context.Request.HttpMethod, url.AbsolutePath, url.Query, context.Request.Headers["Authorization"], body.ToArray());
            Requests.Enqueue(request);
            if (NeverAnswer)
            {
                await Task.Delay(Timeout.Infinite, _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                context.Response.Abort();
                return;
            }

            var (status, json) = Interlocked.Decrement(ref _failNext) >= 0 ? (FailStatus, new JsonObject { ["error"] = "injected failure" }) : Handle(request);
            var bytes = Encoding.UTF8.GetBytes(json?.ToJsonString() ?? string.Empty);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The client gave up (timeout) or the server is stopping.
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
