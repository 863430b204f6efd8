using BertFineTune.Diagnostics;
using BertFineTune.Hub;
using BertFineTune.Tests.Support;
using BertFineTune.Text.Tokenization;

namespace BertFineTune.Tests.Hub;

/// <summary>The Hub client against a real HTTP server on loopback that speaks the Hub's URL scheme and headers.</summary>
public sealed class HubDownloadTests : IDisposable
{
    private const string RepoId = "org/tiny-bert";
    private readonly FakeHubServer _server = new();
    private readonly TempDirectory _cache = new();
    private readonly string _fixture = Path.Combine(RepoPaths.Fixture("tiny-bert"), "model");

    public HubDownloadTests()
    {
        _server.AddRepo(RepoId, _fixture);
        _server.AddRepo("org/gated", _fixture, gated: true);
    }

    private ModelResolver Resolver(bool offline = false) => new(new HubClientOptions(_server.Endpoint, offline), mirror: null);

    private string RepoFolder => Path.Combine(_cache.Path, "models--org--tiny-bert");

    [Fact]
    public async Task FreshDownloadFillsTheCacheLikeHuggingfaceHub()
    {
        var messages = new List<string>();
        var progress = new SynchronousProgress(p => messages.Add(p.Message));

        var model = await Resolver().ResolveAsync(RepoId, "main", _cache.Path, FakeHubServer.GoodToken, CancellationToken.None, progress);

        Assert.Equal(ModelOrigin.HubDownload, model.Origin);
        Assert.Equal(Path.Combine(RepoFolder, "snapshots", FakeHubServer.Commit), model.Directory);
        Assert.Equal(FakeHubServer.Commit, File.ReadAllText(Path.Combine(RepoFolder, "refs", "main")));
        foreach (var file in Directory.EnumerateFiles(_fixture))
        {
            var name = Path.GetFileName(file);
            var bytes = File.ReadAllBytes(file);
            var entry = new FileInfo(Path.Combine(model.Directory, name));
            var blobName = name.EndsWith(".safetensors", StringComparison.Ordinal) ? FakeHubServer.Sha256(bytes) : FakeHubServer.GitBlobSha1(bytes);
            Assert.Equal($"../../blobs/{blobName}", entry.LinkTarget);
            Assert.Equal(bytes, File.ReadAllBytes(entry.FullName));
        }

        Assert.Empty(Directory.EnumerateFiles(Path.Combine(RepoFolder, "blobs"), "*.incomplete"));
        Assert.Contains(messages, m => m.StartsWith("Model: 'org/tiny-bert' (main) downloaded from", StringComparison.Ordinal));

        // The token goes to the Hub only, never to the CDN the weights redirect to.
        var requests = _server.Requests.ToList();
        Assert.All(requests.Where(r => r.Path.StartsWith("/cdn/", StringComparison.Ordinal)), r => Assert.Null(r.Authorization));
        Assert.All(requests.Where(r => r.Path.Contains("/resolve/", StringComparison.Ordinal)), r => Assert.Equal($"Bearer {FakeHubServer.GoodToken}", r.Authorization));
        Assert.Contains(requests, r => r.Method == "GET" && r.Path.StartsWith("/cdn/", StringComparison.Ordinal));

        // The snapshot is a model folder: the tokenizer loads from it.
        var tokenizer = AutoTokenizer.FromDirectory(model.Directory);
        Assert.Equal([101, 7592, 2088, 999, 102], tokenizer.Encode("Hello World!").InputIds);
    }

    [Fact]
    public async Task CacheHitMakesNoRequest()
    {
        var first = await Resolver().ResolveAsync(RepoId, "main", _cache.Path, null, CancellationToken.None);
        var before = _server.Requests.Count;

        var second = await Resolver().ResolveAsync(RepoId, "main", _cache.Path, null, CancellationToken.None);
        var byCommit = await Resolver().ResolveAsync(RepoId, FakeHubServer.Commit, _cache.Path, null, CancellationToken.None);

        Assert.Equal(ModelOrigin.Cache, second.Origin);
        Assert.Equal(first.Directory, second.Directory);
        Assert.Equal(first.Directory, byCommit.Directory);
        Assert.Equal(before, _server.Requests.Count);
    }

    [Fact]
    public async Task CutConnectionIsResumedWithRange()
    {
        _server.DropAfterBytes = 1_000_000;
        _server.DropNextBodies(1);

        var model = await Resolver().ResolveAsync(RepoId, "main", _cache.Path, null, CancellationToken.None);

        var weights = File.ReadAllBytes(Path.Combine(_fixture, "model.safetensors"));
        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(model.Directory, "model.safetensors")));
        var gets = _server.Requests.Where(r => r.Method == "GET" && r.Path.StartsWith("/cdn/", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, gets.Count);
        Assert.Null(gets[0].Range);
        Assert.NotNull(gets[1].Range);
        var resumedFrom = long.Parse(gets[1].Range!["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(resumedFrom, 1, 1_000_000);
    }

    [Fact]
    public async Task PartialFileFromAnEarlierRunIsResumed()
    {
        var weights = File.ReadAllBytes(Path.Combine(_fixture, "model.safetensors"));
        var blobs = Directory.CreateDirectory(Path.Combine(RepoFolder, "blobs")).FullName;
        File.WriteAllBytes(Path.Combine(blobs, FakeHubServer.Sha256(weights) + ".incomplete"), weights[..12345]);

        var model = await Resolver().ResolveAsync(RepoId, "main", _cache.Path, null, CancellationToken.None);

        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(model.Directory, "model.safetensors")));
        var get = Assert.Single(_server.Requests, r => r.Method == "GET" && r.Path.StartsWith("/cdn/", StringComparison.Ordinal));
        Assert.Equal("bytes=12345-", get.Range);
    }

    [Fact]
    public async Task CorruptedLfsFileFailsTheSha256CheckAndIsDiscarded()
    {
        _server.CorruptLfs = true;

        var error = await Assert.ThrowsAsync<UserErrorException>(() => Resolver().ResolveAsync(RepoId, "main", _cache.Path, null, CancellationToken.None));

        Assert.Equal(HubErrors.ChecksumMismatch, error.Errors[0].Code);
        Assert.Contains("sha256", error.Message);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(RepoFolder, "blobs"), "*.incomplete"));
        Assert.False(Directory.Exists(Path.Combine(RepoFolder, "refs")));
    }

    [Fact]
    public async Task GatedModelSaysWhichTokenToSet()
    {
        var anonymous = await Assert.ThrowsAsync<UserErrorException>(() => Resolver().ResolveAsync("org/gated", "main", _cache.Path, null, CancellationToken.None));
        var wrongToken = await Assert.ThrowsAsync<UserErrorException>(() => Resolver().ResolveAsync("org/gated", "main", _cache.Path, "hf_wrong_secret_value", CancellationToken.None));
        var allowed = await Resolver().ResolveAsync("org/gated", "main", _cache.Path, FakeHubServer.GoodToken, CancellationToken.None);

        Assert.Equal(HubErrors.Unauthorized, anonymous.Errors[0].Code);
        Assert.Contains("gated", anonymous.Message);
        Assert.Contains("HF_TOKEN", anonymous.Message);
        Assert.Contains("credentials.huggingface_token", anonymous.Message);
        Assert.Contains("HTTP 401", anonymous.Message);
        Assert.Equal(HubErrors.Unauthorized, wrongToken.Errors[0].Code);
        Assert.Contains("HTTP 403", wrongToken.Message);
        Assert.Contains("has no access", wrongToken.Message);
        Assert.DoesNotContain("hf_wrong_secret_value", wrongToken.Message);
        Assert.Equal(ModelOrigin.HubDownload, allowed.Origin);
    }

    [Fact]
    public async Task MissingRepoOrRevisionIsANotFoundMessage()
    {
        var repo = await Assert.ThrowsAsync<UserErrorException>(() => Resolver().ResolveAsync("org/no-such-model", "main", _cache.Path, null, CancellationToken.None));
        var revision = await Assert.ThrowsAsync<UserErrorException>(() => Resolver().ResolveAsync(RepoId, "v9.9", _cache.Path, null, CancellationToken.None));

        Assert.Equal(HubErrors.NotFound, repo.Errors[0].Code);
        Assert.Contains("'org/no-such-model'", repo.Message);
        Assert.Contains("was not found", repo.Message);
        Assert.Equal("base_model.model_id", repo.Errors[0].Key);
        Assert.Equal(HubErrors.NotFound, revision.Errors[0].Code);
        Assert.Contains("Revision 'v9.9'", revision.Message);
        Assert.Equal("base_model.revision", revision.Errors[0].Key);
    }

    [Fact]
    public async Task OfflineModeUsesTheCacheOnly()
    {
        var missing = await Assert.ThrowsAsync<UserErrorException>(() => Resolver(offline: true).ResolveAsync(RepoId, "main", _cache.Path, null, CancellationToken.None));
        Assert.Equal(HubErrors.NotCachedOffline, missing.Errors[0].Code);
        Assert.Contains("HF_HUB_OFFLINE", missing.Message);
        Assert.Empty(_server.Requests);

        await Resolver().ResolveAsync(RepoId, "main", _cache.Path, null, CancellationToken.None);
        var before = _server.Requests.Count;
        var cached = await Resolver(offline: true).ResolveAsync(RepoId, "main", _cache.Path, null, CancellationToken.None);

        Assert.Equal(ModelOrigin.Cache, cached.Origin);
        Assert.Equal(before, _server.Requests.Count);
    }

    [Fact]
    public async Task UnreachableHubMentionsOfflineModeAndTheCache()
    {
        var closed = new Uri($"http://127.0.0.1:{ClosedPort()}");
        var resolver = new ModelResolver(new HubClientOptions(closed, Offline: false), mirror: null);

        var error = await Assert.ThrowsAsync<UserErrorException>(() => resolver.ResolveAsync(RepoId, "main", _cache.Path, null, CancellationToken.None));

        Assert.Equal(HubErrors.Unreachable, error.Errors[0].Code);
        Assert.Contains("HF_HUB_OFFLINE=1", error.Message);
        Assert.Contains(_cache.Path, error.Message);
    }

    [Fact]
    public async Task LocalFolderIsUsedAsIs()
    {
        var model = await Resolver().ResolveAsync(_fixture, "main", _cache.Path, null, CancellationToken.None);

        Assert.Equal(ModelOrigin.LocalFolder, model.Origin);
        Assert.Equal(Path.GetFullPath(_fixture), model.Directory);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task InvalidIdIsAUserError()
    {
        var error = await Assert.ThrowsAsync<UserErrorException>(() => Resolver().ResolveAsync("not/a/valid id", "main", _cache.Path, null, CancellationToken.None));

        Assert.Equal(HubErrors.InvalidModelId, error.Errors[0].Code);
        Assert.Empty(_server.Requests);
    }

    private static int ClosedPort()
    {
        using var socket = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        socket.Start();
        return ((System.Net.IPEndPoint)socket.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _server.Dispose();
        _cache.Dispose();
    }
}

/// <summary>Calls back on the reporting thread (Progress&lt;T&gt; posts to the thread pool, which would race the asserts).</summary>
internal sealed class SynchronousProgress(Action<ModelResolveProgress> report) : IProgress<ModelResolveProgress>
{
    public void Report(ModelResolveProgress value) => report(value);
}
