namespace BertFineTune.Hub;

/// <summary>
/// Where the Hub is and whether to use it: <c>HF_ENDPOINT</c> (default https://huggingface.co) and
/// <c>HF_HUB_OFFLINE</c> (1/true/yes/on = cache only), as huggingface_hub reads them.
/// </summary>
public sealed record HubClientOptions(Uri Endpoint, bool Offline)
{
    public static readonly Uri DefaultEndpoint = new("https://huggingface.co");

    public static HubClientOptions FromEnvironment()
    {
        var endpoint = Environment.GetEnvironmentVariable("HF_ENDPOINT");
        return new HubClientOptions(
            string.IsNullOrWhiteSpace(endpoint) ? DefaultEndpoint : new Uri(endpoint.TrimEnd('/')),
            IsTrue(Environment.GetEnvironmentVariable("HF_HUB_OFFLINE")));
    }

    internal static bool IsTrue(string? value) =>
        value?.Trim().ToLowerInvariant() is "1" or "true" or "yes" or "on";
}
