using System.Security.Cryptography;
using System.Text;
using BertFineTune.Diagnostics;

namespace BertFineTune.Serve;

/// <summary>
/// The API key clients must send (<c>X-API-Key: key</c> or <c>Authorization: Bearer key</c>). Only a SHA-256 digest is
/// kept, and digests are compared in constant time, so neither the key nor its length leaks through memory dumps,
/// logs, <see cref="ToString"/> or response timing.
/// </summary>
public sealed class ApiKey
{
    /// <summary>The environment variable <c>bertft serve</c> reads the key from.</summary>
    public const string EnvironmentVariable = "BERTFT_API_KEY";

    private readonly byte[] digest;

    private ApiKey(byte[] digest) => this.digest = digest;

    /// <exception cref="UserErrorException">The key is empty or only whitespace.</exception>
    public static ApiKey FromSecret(string secret)
    {
        if (string.IsNullOrWhiteSpace(secret))
        {
            throw new UserErrorException("BFT413", "Set but empty. Set it to the key clients must send, or unset it to serve without a key.", key: EnvironmentVariable);
        }

        return new ApiKey(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
    }

    /// <summary>The key from <see cref="EnvironmentVariable"/>, or null when it is not set.</summary>
    public static ApiKey? FromEnvironment()
    {
        var secret = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return secret is null ? null : FromSecret(secret);
    }

    /// <summary>Whether <paramref name="candidate"/> is the key, in time that does not depend on how much of it matches.</summary>
    public bool Matches(string? candidate)
    {
        if (candidate is null)
        {
            return false;
        }

        Span<byte> candidateDigest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(candidate), candidateDigest);
        return CryptographicOperations.FixedTimeEquals(candidateDigest, digest);
    }

    public override string ToString() => "ApiKey(***)";
}
