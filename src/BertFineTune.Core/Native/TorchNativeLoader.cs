using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace BertFineTune.Native;

/// <summary>
/// Makes TorchSharp's native libraries load on every supported Linux, before TorchSharp's first use.
/// </summary>
/// <remarks>
/// TorchSharp 0.107's <c>libLibTorchSharp.so</c> declares a need for <c>GLIBCXX_3.4.32</c> (GCC 13's libstdc++)
/// for a single symbol, <c>std::ios_base_library_init()</c>, which nothing calls. Debian 12 ships GCC 12's libstdc++,
/// so the dynamic loader refuses the whole library. When — and only when — the original fails to load, we write a
/// copy whose requirement is marked <c>VER_FLG_WEAK</c> into the user cache and load that copy by path. Its soname
/// stays <c>libLibTorchSharp.so</c>, so TorchSharp's own <c>NativeLibrary.TryLoad("LibTorchSharp")</c> finds the
/// already-loaded copy. On a distro whose libstdc++ has the version the original loads and nothing is copied.
/// LibTorch itself is always loaded by full path from the TorchSharp package, never by a bare name that could
/// resolve to a system libtorch (Debian carries libtorch 1.13).
/// </remarks>
public static class TorchNativeLoader
{
    /// <summary>The version requirements we weaken. Each one must be proven unused before it is added here.</summary>
    public static readonly IReadOnlySet<string> WeakenedVersions = new HashSet<string>(StringComparer.Ordinal) { "GLIBCXX_3.4.32" };

    private const string BridgeFile = "libLibTorchSharp.so";

    // Loading native code is process-wide by nature; this only remembers that it has been done.
    private static readonly Lazy<TorchNativeLoadResult> Loaded = new(LoadCore, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Loads the native runtime once per process. Safe to call from every entry point.</summary>
    /// <exception cref="TorchNativeLoadException">The natives are missing or still refuse to load.</exception>
    public static TorchNativeLoadResult EnsureLoaded() => Loaded.Value;

    /// <summary>The directory of LibTorchSharp chosen for this process, searched as the .NET host searches.</summary>
    public static string? FindNativeDirectory()
    {
        foreach (var dir in CandidateDirectories())
        {
            if (File.Exists(Path.Combine(dir, BridgeFile)) && File.Exists(Path.Combine(dir, "libtorch_cpu.so")))
            {
                return dir;
            }
        }

        return null;
    }

    /// <summary>Where patched copies live: <c>$BERTFT_NATIVE_CACHE</c>, else <c>$XDG_CACHE_HOME/bertfinetune/native</c>.</summary>
    public static string CacheRoot()
    {
        var explicitDir = Environment.GetEnvironmentVariable("BERTFT_NATIVE_CACHE");
        if (!string.IsNullOrEmpty(explicitDir))
        {
            return explicitDir;
        }

        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "bertfinetune", "native");
    }

    private static TorchNativeLoadResult LoadCore()
    {
        if (!OperatingSystem.IsLinux())
        {
            // Other platforms load TorchSharp's natives as shipped.
            return new TorchNativeLoadResult(null, null, Patched: false);
        }

        // Before LibTorch loads: settings its libraries read once (resident memory that follows live tensors, see
        // GlibcAllocator and OneDnnPrimitiveCache; cores free between ops, see OpenMpSpinWait).
        GlibcAllocator.ConfigureForTensors();
        OneDnnPrimitiveCache.Configure();
        OpenMpSpinWait.Configure();

        var dir = FindNativeDirectory() ?? throw new TorchNativeLoadException(
            $"{BridgeFile} and libtorch_cpu.so were not found next to the application (searched: {string.Join(", ", CandidateDirectories())}). " +
            "Reinstall the tool, or rebuild so that the TorchSharp-cpu package's natives are copied to the output.");

        // LibTorch first, by path: the bridge's DT_NEEDED entries then bind to these by soname.
        foreach (var lib in new[] { "libc10.so", "libtorch_cpu.so", "libtorch.so" })
        {
            var path = Path.Combine(dir, lib);
            if (File.Exists(path) && !NativeLibrary.TryLoad(path, out _))
            {
                throw Failure(path, LoadError(path));
            }
        }

        var original = Path.Combine(dir, BridgeFile);
        if (NativeLibrary.TryLoad(original, out _))
        {
            return new TorchNativeLoadResult(dir, original, Patched: false);
        }

        var firstError = LoadError(original);
        var patched = WritePatchedCopy(original);
        if (patched is null || !NativeLibrary.TryLoad(patched, out _))
        {
            throw Failure(original, patched is null ? firstError : LoadError(patched));
        }

        return new TorchNativeLoadResult(dir, patched, Patched: true);
    }

    /// <summary>Writes (once, atomically) the weakened copy of the bridge and returns its path; null if nothing needed weakening.</summary>
    private static string? WritePatchedCopy(string original)
    {
        var bytes = File.ReadAllBytes(original);
        var needs = ElfVersionNeeds.Read(bytes);
        if (!needs.Any(n => WeakenedVersions.Contains(n.Version) && !n.IsWeak))
        {
            return null;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
        var dir = Path.Combine(CacheRoot(), hash);
        var target = Path.Combine(dir, BridgeFile);
        if (File.Exists(target))
        {
            return target;
        }

        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{BridgeFile}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(temp, ElfVersionNeeds.MarkWeak(bytes, WeakenedVersions));
        File.Move(temp, target, overwrite: true);
        return target;
    }

    private static string LoadError(string path)
    {
        try
        {
            NativeLibrary.Free(NativeLibrary.Load(path));
            return "no error";
        }
        catch (DllNotFoundException e)
        {
            return e.Message;
        }
        catch (BadImageFormatException e)
        {
            return e.Message;
        }
    }

    private static TorchNativeLoadException Failure(string path, string error) => new(
        $"Could not load the native library {path}: {error.Trim()}. " +
        "If the message names a missing GLIBCXX or CXXABI version, your libstdc++ is older than LibTorch needs: " +
        "install a newer libstdc++6 (GCC 13 or later), or report the missing version to BertFineTune. " +
        "If it names another library, install that library with your package manager.");

    private static IEnumerable<string> CandidateDirectories()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var searchDirs = (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") as string ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var torchDir = Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location) ?? AppContext.BaseDirectory;
        var rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        var all = searchDirs.Concat(
        [
            AppContext.BaseDirectory,
            torchDir,
            Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native"),
            Path.Combine(torchDir, "runtimes", rid, "native"),
        ]);
        foreach (var dir in all)
        {
            var full = Path.GetFullPath(dir);
            if (seen.Add(full))
            {
                yield return full;
            }
        }
    }
}

/// <summary>What <see cref="TorchNativeLoader.EnsureLoaded"/> did.</summary>
/// <param name="NativeDirectory">The TorchSharp native folder used (null off Linux).</param>
/// <param name="BridgePath">The LibTorchSharp file actually loaded.</param>
/// <param name="Patched">True when the weakened copy from the cache was needed.</param>
public sealed record TorchNativeLoadResult(string? NativeDirectory, string? BridgePath, bool Patched);
