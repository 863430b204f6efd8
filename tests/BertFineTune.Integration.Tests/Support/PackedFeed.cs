using System.Xml.Linq;

namespace BertFineTune.Integration.Tests.Support;

/// <summary>
/// One local folder feed for the whole test run: bertft (pointer + RID packages), BertFineTune.MSBuild,
/// BertFineTune.Templates, BertFineTune.Core, BertFineTune.Inference and BertFineTune.Text, packed from this checkout — or taken from <c>$BERTFT_TEST_FEED</c> when the Cake CI target
/// has packed them already. Children get a private NuGet cache, so the user's cache never holds test packages and a
/// repacked 0.1.0 is never shadowed by a stale one.
/// </summary>
public sealed class PackedFeed : IAsyncLifetime
{
    private readonly TempDirectory _root = new();
    private readonly SemaphoreSlim _installLock = new(1, 1);
    private string? _installedTool;

    public string Feed => Path.Combine(_root.Path, "feed");

    /// <summary>A nuget.config that names only <see cref="Feed"/>: restores are offline and deterministic.</summary>
    public string NuGetConfig => Path.Combine(_root.Path, "nuget.config");

    public string Version { get; } = ReadRepositoryVersion();

    /// <summary>
    /// Environment for every child dotnet process: the private package cache, and a private CLI home. The SDK keeps a
    /// machine-wide local-tool resolver cache (~/.dotnet/toolResolverCache) that remembers where a tool version was
    /// restored; an entry left by a run with another NUGET_PACKAGES would point at a deleted folder.
    /// </summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["NUGET_PACKAGES"] = Path.Combine(_root.Path, "nuget-packages"),
        ["DOTNET_CLI_HOME"] = Path.Combine(_root.Path, "cli-home"),
    };

    public string NewDirectory(string name)
    {
        var dir = Path.Combine(_root.Path, name + "-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public string Package(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        var prebuilt = System.Environment.GetEnvironmentVariable("BERTFT_TEST_FEED");
        if (!string.IsNullOrEmpty(prebuilt))
        {
            foreach (var package in Directory.GetFiles(prebuilt, "*.nupkg"))
            {
                File.Copy(package, Path.Combine(Feed, Path.GetFileName(package)));
            }
        }
        else
        {
            foreach (var project in new[] { "src/BertFineTune.Cli", "src/BertFineTune.MSBuild", "templates/BertFineTune.Templates", "src/BertFineTune.Text", "src/BertFineTune.Inference", "src/BertFineTune.Core" })
            {
                var pack = await ChildProcess.DotnetAsync(RepoPaths.Root, Environment, "pack", project, "-c", "Release", "-o", Feed, "-v:q", "-nologo");
                Assert.True(pack.ExitCode == 0, pack.ToString());
            }
        }

        await WriteNuGetConfigAsync(NuGetConfig);
    }

    /// <summary>Writes a nuget.config naming only the feed into <paramref name="path"/>.</summary>
    public Task WriteNuGetConfigAsync(string path) => File.WriteAllTextAsync(path, $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="bertft-test-feed" value="{Feed}" />
          </packageSources>
        </configuration>
        """);

    /// <summary>bertft installed from the feed into a private <c>--tool-path</c> (once per run); returns the executable.</summary>
    public async Task<string> InstallToolAsync()
    {
        await _installLock.WaitAsync();
        try
        {
            if (_installedTool is null)
            {
                var toolPath = Path.Combine(_root.Path, "tools");
                var install = await ChildProcess.DotnetAsync(
                    _root.Path, Environment, "tool", "install", "bertft", "--tool-path", toolPath, "--version", Version, "--configfile", NuGetConfig);
                Assert.True(install.ExitCode == 0, install.ToString());
                _installedTool = Path.Combine(toolPath, OperatingSystem.IsWindows() ? "bertft.exe" : "bertft");
            }

            return _installedTool;
        }
        finally
        {
            _installLock.Release();
        }
    }

    public Task DisposeAsync()
    {
        _root.Dispose();
        _installLock.Dispose();
        return Task.CompletedTask;
    }

    private static string ReadRepositoryVersion() =>
        XDocument.Load(Path.Combine(RepoPaths.Root, "Directory.Build.props")).Descendants("Version").First().Value;
}

[CollectionDefinition(Name)]
public sealed class PackedFeedCollection : ICollectionFixture<PackedFeed>
{
    public const string Name = "packed feed";
}
