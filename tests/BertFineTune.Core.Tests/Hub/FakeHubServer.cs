using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace BertFineTune.Tests.Hub;

/// <summary>
/// A Hugging Face Hub look-alike on loopback: <c>/{org}/{name}/resolve/{revision}/{file}</c> with X-Repo-Commit and
/// ETag (git blob sha1); LFS files (<c>*.safetensors</c>, <c>*.bin</c>) answer 302 to <c>/cdn/{sha256}</c> with
/// X-Linked-Etag and X-Linked-Size; the CDN (another port) honours Range with 206. Error codes as the Hub sends them.
/// </summary>
internal sealed class FakeHubServer : IDisposable
{
    public const string Commit = "4b1ee3a9d51c6b7ae0a1f0c2d3e4f5a6b7c8d9e0";
    public const string GoodToken = "hf_test_token_that_must_never_be_printed";

    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, Dictionary<string, byte[]>> _repos = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _cdn = new(StringComparer.Ordinal);
    private readonly HashSet<string> _gated = new(StringComparer.Ordinal);
    private readonly Task _loop;
    private int _dropsLeft;

    public FakeHubServer()
    {
        var port = FreePort();
        var cdnPort = FreePort();
        Endpoint = new Uri($"http://127.0.0.1:{port}");
        Cdn = new Uri($"http://127.0.0.1:{cdnPort}");
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add($"http://127.0.0.1:{cdnPort}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public Uri Endpoint { get; }

    /// <summary>LFS content is served from another origin (port), as the Hub's CDN is another host.</summary>
    public Uri Cdn { get; }

    /// <summary>Every request, in arrival order.</summary>
    public ConcurrentQueue<LoggedRequest> Requests { get; } = new();

    /// <summary>The next this-many CDN bodies stop after <see cref="DropAfterBytes"/> bytes and the connection is cut.</summary>
    public int DropAfterBytes { get; set; } = 1_000_000;

    /// <summary>Serve LFS files with one flipped byte (the ETag stays the true sha256).</summary>
    public bool CorruptLfs { get; set; }

    public void DropNextBodies(int count) => _dropsLeft = count;

    /// <summary>Publishes every file of <paramref name="folder"/> as repository <paramref name="repoId"/>.</summary>
    public void AddRepo(string repoId, string folder, bool gated = false)
    {
        var files = Directory.EnumerateFiles(folder).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes, StringComparer.Ordinal);
        _repos[repoId] = files;
        foreach (var (name, bytes) in files)
        {
            if (IsLfs(name))
            {
                _cdn[Sha256(bytes)] = bytes;
            }
        }

        if (gated)
        {
            _gated.Add(repoId);
        }
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static string GitBlobSha1(byte[] bytes) =>
        Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {bytes.Length}\0"), .. bytes]));

    // SentencePiece models (spm.model, sentencepiece.bpe.model) are LFS files on the Hub too.
    private static bool IsLfs(string name) =>
        name.EndsWith(".safetensors", StringComparison.Ordinal) || name.EndsWith(".bin", StringComparison.Ordinal) || name.EndsWith(".model", StringComparison.Ordinal);

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
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

            _ = Task.Run(() => Handle(context));
        }
    }

    private void Handle(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var path = Uri.UnescapeDataString(request.Url!.AbsolutePath);
        Requests.Enqueue(new LoggedRequest(request.HttpMethod, path, request.Headers["Range"], request.Headers["Authorization"]));
        try
        {
            if (path.StartsWith("/cdn/", StringComparison.Ordinal))
            {
                ServeCdn(context, path["/cdn/".Length..]);
                return;
            }

            var parts = path.Trim('/').Split('/', 5);
            if (parts.Length != 5 || parts[2] != "resolve")
            {
                Error(response, 404, null);
                return;
            }

            var repoId = $"{parts[0]}/{parts[1]}";
            if (!_repos.TryGetValue(repoId, out var files))
            {
                Error(response, 401, "RepoNotFound");
                return;
            }

            if (_gated.Contains(repoId) && request.Headers["Authorization"] != $"Bearer {GoodToken}")
            {
                Error(response, request.Headers["Authorization"] is null ? 401 : 403, "GatedRepo");
                return;
            }

            if (parts[3] is not ("main" or Commit))
            {
                Error(response, 404, "RevisionNotFound");
                return;
            }

            if (!files.TryGetValue(parts[4], out var bytes))
            {
                Error(response, 404, "EntryNotFound");
                return;
            }

            response.Headers["X-Repo-Commit"] = Commit;
            if (IsLfs(parts[4]))
            {
                var sha = Sha256(bytes);
                response.StatusCode = 302;
                response.Headers["Location"] = $"{Cdn}cdn/{sha}";
                response.Headers["X-Linked-Etag"] = $"\"{sha}\"";
                response.Headers["X-Linked-Size"] = bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
                response.Headers["ETag"] = $"\"{GitBlobSha1(Encoding.ASCII.GetBytes(sha))}\"";
                response.Close();
                return;
            }

            response.Headers["ETag"] = $"\"{GitBlobSha1(bytes)}\"";
            WriteBody(response, request.HttpMethod, bytes, 0, drop: false);
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away; nothing to answer.
        }
    }

    private void ServeCdn(HttpListenerContext context, string sha)
    {
        var response = context.Response;
        if (!_cdn.TryGetValue(sha, out var bytes))
        {
            Error(response, 404, null);
            return;
        }

        if (CorruptLfs)
        {
            bytes = [.. bytes];
            bytes[bytes.Length / 2] ^= 0xFF;
        }

        long start = 0;
        var range = context.Request.Headers["Range"];
        if (range is not null && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            start = long.Parse(range["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
            if (start >= bytes.Length)
            {
                Error(response, 416, null);
                return;
            }

            response.StatusCode = 206;
            response.Headers["Content-Range"] = $"bytes {start}-{bytes.Length - 1}/{bytes.Length}";
        }

        var drop = context.Request.HttpMethod == "GET" && Interlocked.Decrement(ref _dropsLeft) >= 0;
        WriteBody(response, context.Request.HttpMethod, bytes, start, drop);
    }

    private void WriteBody(HttpListenerResponse response, string method, byte[] bytes, long start, bool drop)
    {
        response.ContentLength64 = bytes.Length - start;
        if (method == "HEAD")
        {
            response.Close();
            return;
        }

        if (drop)
        {
            var part = (int)Math.Min(DropAfterBytes, bytes.Length - start - 1);
            response.OutputStream.Write(bytes, (int)start, part);
            response.OutputStream.Flush();
            response.Abort();
            return;
        }

        response.OutputStream.Write(bytes, (int)start, (int)(bytes.Length - start));
        response.Close();
    }

    private static void Error(HttpListenerResponse response, int status, string? errorCode)
    {
        response.StatusCode = status;
        if (errorCode is not null)
        {
            response.Headers["X-Error-Code"] = errorCode;
        }

        response.ContentLength64 = 0;
        response.Close();
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}

internal sealed record LoggedRequest(string Method, string Path, string? Range, string? Authorization);
