namespace BertFineTune.Hub;

/// <summary>The BFT2xx codes of model resolution, download, cache and import errors.</summary>
public static class HubErrors
{
    /// <summary>401/403: a gated or private model and no (or a wrong) token.</summary>
    public const string Unauthorized = "BFT220";

    /// <summary>404: the repository or the revision does not exist.</summary>
    public const string NotFound = "BFT221";

    /// <summary>The Hub could not be reached (DNS, connection, timeout).</summary>
    public const string Unreachable = "BFT222";

    /// <summary><c>HF_HUB_OFFLINE=1</c> and the model is not in the cache.</summary>
    public const string NotCachedOffline = "BFT223";

    /// <summary>The repository has no weights file we can load.</summary>
    public const string NoWeights = "BFT224";

    /// <summary>A downloaded file does not match the checksum the Hub announced.</summary>
    public const string ChecksumMismatch = "BFT225";

    /// <summary>Any other HTTP failure.</summary>
    public const string HttpFailure = "BFT226";

    /// <summary>A model id that is neither a folder nor a valid Hub id.</summary>
    public const string InvalidModelId = "BFT227";

    /// <summary>The ONNX file cannot be imported.</summary>
    public const string OnnxImport = "BFT230";

    /// <summary>The NuGet model mirror failed (restore failed, package without the expected resources).</summary>
    public const string NuGetMirror = "BFT231";
}
