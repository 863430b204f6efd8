using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using BertFineTune.Diagnostics;

namespace BertFineTune.Hub;

/// <summary>
/// Downloads a model (config, tokenizer files, weights) from the Hub into the shared cache, the way
/// huggingface_hub's <c>hf_hub_download</c> does: HEAD for commit/ETag/size, GET from the redirect target,
/// <c>.incomplete</c> blobs resumed with Range, sha256 checked for LFS files, snapshot symlinks, refs.
/// </summary>
public sealed class HubDownloader : IDisposable
{
    /// <summary>Tokenizer files fetched when the repository has them.</summary>
    public static readonly IReadOnlyList<string> TokenizerFiles =
        ["tokenizer_config.json", "special_tokens_map.json", "tokenizer.json", "vocab.txt", "vocab.json", "merges.txt", "spm.model", "sentencepiece.bpe.model", "added_tokens.json"];

    private const int MaxAttempts = 5;
    private readonly HttpClient _http;
    private readonly HubCache _cache;
    private readonly HubClientOptions _options;

    public HubDownloader(HubCache cache, HubClientOptions options, HttpMessageHandler? handler = null)
    {
        _cache = cache;
        _options = options;
        _http = new HttpClient(handler ?? new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(20) }, disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("bertft", "0.1"));
    }

    /// <summary>Downloads what a model folder needs and returns its snapshot folder.</summary>
    public async Task<string> DownloadModelAsync(HubRepoId repo, string revision, string? token, IProgress<ModelResolveProgress>? progress, CancellationToken ct)
    {
        var config = await HeadAsync(repo, revision, "config.json", token, required: true, ct).ConfigureAwait(false);
        var commit = config!.Commit;
        await FetchAsync(repo, commit, "config.json", config, token, progress, ct).ConfigureAwait(false);

        foreach (var file in TokenizerFiles)
        {
            var meta = await HeadAsync(repo, commit, file, token, required: false, ct).ConfigureAwait(false);
            if (meta is not null)
            {
                await FetchAsync(repo, commit, file, meta, token, progress, ct).ConfigureAwait(false);
            }
        }

        if (!await FetchWeightsAsync(repo, commit, token, progress, ct).ConfigureAwait(false))
        {
            throw new UserErrorException(
                HubErrors.NoWeights,
                $"'{repo}' has no model.safetensors, model.safetensors.index.json, pytorch_model.bin or pytorch_model.bin.index.json at revision '{revision}'. Choose a repository with PyTorch weights.",
                key: "base_model.model_id");
        }

        _cache.WriteRef(repo, revision, commit);
        return _cache.SnapshotFolder(repo, commit);
    }

    private async Task<bool> FetchWeightsAsync(HubRepoId repo, string commit, string? token, IProgress<ModelResolveProgress>? progress, CancellationToken ct)
    {
        foreach (var (single, index) in new[] { ("model.safetensors", "model.safetensors.index.json"), ("pytorch_model.bin", "pytorch_model.bin.index.json") })
        {
            var meta = await HeadAsync(repo, commit, single, token, required: false, ct).ConfigureAwait(false);
            if (meta is not null)
            {
                await FetchAsync(repo, commit, single, meta, token, progress, ct).ConfigureAwait(false);
                return true;
            }

            var indexMeta = await HeadAsync(repo, commit, index, token, required: false, ct).ConfigureAwait(false);
            if (indexMeta is null)
            {
                continue;
            }

            var indexPath = await FetchAsync(repo, commit, index, indexMeta, token, progress, ct).ConfigureAwait(false);
            foreach (var shard in HubCache.ShardsOf(indexPath))
            {
                var shardMeta = await HeadAsync(repo, commit, shard, token, required: true, ct).ConfigureAwait(false);
                await FetchAsync(repo, commit, shard, shardMeta!, token, progress, ct).ConfigureAwait(false);
            }

            return true;
        }

        return false;
    }

    private Uri ResolveUrl(HubRepoId repo, string revision, string file) =>
        new($"{_options.Endpoint.ToString().TrimEnd('/')}/{repo}/resolve/{Uri.EscapeDataString(revision)}/{string.Join('/', file.Split('/').Select(Uri.EscapeDataString))}");

    /// <summary>HEAD of one file; null when an optional file does not exist.</summary>
    private async Task<HubFileMetadata?> HeadAsync(HubRepoId repo, string revision, string file, string? token, bool required, CancellationToken ct)
    {
        var url = ResolveUrl(repo, revision, file);
        for (var hop = 0; hop < 10; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Head, url);
            Authorize(request, token);
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("identity"));
            using var response = await SendAsync(request, repo, ct).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var location = response.Headers.Location;

            // Renamed repositories answer with a relative redirect on the Hub itself: follow it. An absolute redirect
            // goes to the CDN that serves LFS content: the metadata is on this response.
            if (status is >= 300 and < 400 && location is not null && !location.IsAbsoluteUri)
            {
                url = new Uri(url, location);
                continue;
            }

            if (status is >= 400)
            {
                var errorCode = Header(response, "X-Error-Code");
                if (!required && (errorCode == "EntryNotFound" || (errorCode is null && response.StatusCode == HttpStatusCode.NotFound)))
                {
                    return null;
                }

                throw HubErrorMessages.ForStatus(response.StatusCode, errorCode, repo, revision, file, _options.Endpoint, token is not null);
            }

            var commit = Header(response, "X-Repo-Commit") ?? (HubCache.IsCommitHash(revision) ? revision : null);
            var etag = Header(response, "X-Linked-Etag") ?? response.Headers.ETag?.ToString() ?? Header(response, "ETag");
            if (commit is null || etag is null)
            {
                throw new UserErrorException(
                    HubErrors.HttpFailure,
                    $"The server at {_options.Endpoint} did not send X-Repo-Commit and ETag for {file} of '{repo}'; HF_ENDPOINT must point to a Hugging Face Hub (or a mirror that sends these headers).",
                    key: "base_model.model_id");
            }

            var size = long.TryParse(Header(response, "X-Linked-Size"), out var linked) ? linked : response.Content.Headers.ContentLength;
            var downloadUrl = status is >= 300 and < 400 && location is not null ? location : url;
            return new HubFileMetadata(commit, HubFileMetadata.NormalizeETag(etag), size, downloadUrl);
        }

        throw new UserErrorException(HubErrors.HttpFailure, $"Too many redirects for {file} of '{repo}'.", key: "base_model.model_id");
    }

    /// <summary>Gets the blob (or finds it cached), links it into the snapshot and returns the snapshot path.</summary>
    private async Task<string> FetchAsync(HubRepoId repo, string commit, string file, HubFileMetadata meta, string? token, IProgress<ModelResolveProgress>? progress, CancellationToken ct)
    {
        var blob = _cache.BlobPath(repo, meta.ETag);
        if (!File.Exists(blob))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
            await DownloadBlobAsync(repo, file, meta, blob, token, progress, ct).ConfigureAwait(false);
        }

        return _cache.LinkIntoSnapshot(repo, commit, file, meta.ETag);
    }

    private async Task DownloadBlobAsync(HubRepoId repo, string file, HubFileMetadata meta, string blob, string? token, IProgress<ModelResolveProgress>? progress, CancellationToken ct)
    {
        var incomplete = blob + ".incomplete";
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await DownloadOnceAsync(repo, file, meta, incomplete, token, progress, ct).ConfigureAwait(false);
                break;
            }
            catch (Exception e) when (attempt < MaxAttempts && IsTransient(e) && !ct.IsCancellationRequested)
            {
                // The next attempt resumes from what the .incomplete file already holds.
                progress?.Report(new ModelResolveProgress($"Download of {file} was interrupted ({e.Message}); resuming.", file));
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), ct).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransient(e) && !ct.IsCancellationRequested)
            {
                throw HubErrorMessages.Unreachable(repo, _options.Endpoint, _cache.Root, e);
            }
        }

        var length = new FileInfo(incomplete).Length;
        if (meta.Size is long size && length != size)
        {
            File.Delete(incomplete);
            throw new UserErrorException(HubErrors.ChecksumMismatch, $"{file} of '{repo}' arrived with {length} bytes instead of {size}; it was discarded. Run again to download it anew.", key: "base_model.model_id");
        }

        if (meta.IsSha256)
        {
            var actual = await Sha256HexAsync(incomplete, ct).ConfigureAwait(false);
            if (!string.Equals(actual, meta.ETag, StringComparison.OrdinalIgnoreCase))
            {
                File.Delete(incomplete);
                throw new UserErrorException(
                    HubErrors.ChecksumMismatch,
                    $"{file} of '{repo}' does not match its sha256 (expected {meta.ETag}, got {actual}); it was discarded. Run again to download it anew.",
                    key: "base_model.model_id");
            }
        }

        File.Move(incomplete, blob, overwrite: true);
    }

    private async Task DownloadOnceAsync(HubRepoId repo, string file, HubFileMetadata meta, string incomplete, string? token, IProgress<ModelResolveProgress>? progress, CancellationToken ct)
    {
        var have = File.Exists(incomplete) ? new FileInfo(incomplete).Length : 0;
        if (meta.Size is long known && have == known && have > 0)
        {
            return;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, meta.DownloadUrl);
        Authorize(request, token);
        if (have > 0)
        {
            request.Headers.Range = new RangeHeaderValue(have, null);
        }

        using var response = await SendAsync(request, repo, ct, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // The partial file is not a prefix of what the server has: start over.
            File.Delete(incomplete);
            throw new IOException("the server refused to resume the partial download");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw HubErrorMessages.ForStatus(response.StatusCode, Header(response, "X-Error-Code"), repo, meta.Commit, file, _options.Endpoint, token is not null);
        }

        var append = response.StatusCode == HttpStatusCode.PartialContent && have > 0;
        var done = append ? have : 0;
        await using var output = new FileStream(incomplete, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var buffer = new byte[1 << 16];
        var lastReport = done;
        progress?.Report(new ModelResolveProgress($"Downloading {file}", file, done, meta.Size));
        int read;
        while ((read = await body.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            await output.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
            done += read;
            if (done - lastReport >= 4 << 20)
            {
                lastReport = done;
                progress?.Report(new ModelResolveProgress($"Downloading {file}", file, done, meta.Size));
            }
        }

        await output.FlushAsync(ct).ConfigureAwait(false);
        if (meta.Size is long size && done < size)
        {
            throw new IOException($"the connection closed after {done} of {size} bytes");
        }

        progress?.Report(new ModelResolveProgress($"Downloaded {file}", file, done, meta.Size));
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HubRepoId repo, CancellationToken ct, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        try
        {
            return await _http.SendAsync(request, completion, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (IsTransient(e) && !ct.IsCancellationRequested)
        {
            throw HubErrorMessages.Unreachable(repo, _options.Endpoint, _cache.Root, e);
        }
    }

    /// <summary>The token goes to the Hub only, never to a CDN host a redirect points at.</summary>
    private void Authorize(HttpRequestMessage request, string? token)
    {
        if (!string.IsNullOrEmpty(token) && request.RequestUri is { } uri && Uri.Compare(uri, _options.Endpoint, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    private static bool IsTransient(Exception e) => e is HttpRequestException or IOException or TaskCanceledException;

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? values.FirstOrDefault()
            : null;

    private static async Task<string> Sha256HexAsync(string path, CancellationToken ct)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct).ConfigureAwait(false));
    }

    public void Dispose() => _http.Dispose();
}
