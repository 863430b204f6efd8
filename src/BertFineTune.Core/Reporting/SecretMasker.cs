using System.Text.RegularExpressions;

namespace BertFineTune.Reporting;

/// <summary>
/// Hides values that look secret before they reach a report: by key name (any word of the key that ends in
/// <c>token</c> or <c>key</c>, is <c>auth</c>/<c>authorization</c>, or contains <c>secret</c>, <c>password</c>, <c>passwd</c>, <c>credential</c>), and by
/// value (anything shaped like a Hugging Face token, <c>hf_…</c>). <c>tokenizer</c> or <c>max_tokens</c> stay visible.
/// </summary>
public static partial class SecretMasker
{
    /// <summary>What a masked value shows.</summary>
    public const string Mask = "***";

    private static readonly string[] SecretWords = ["secret", "password", "passwd", "credential"];

    /// <summary>Whether a config key (e.g. <c>hub.token</c>, <c>WANDB_API_KEY</c>, <c>apiKey</c>) names a secret.</summary>
    public static bool IsSecretKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        foreach (var word in Words(key))
        {
            if (word.EndsWith("token", StringComparison.Ordinal)
                || word.EndsWith("key", StringComparison.Ordinal)
                || word == "auth"
                || word.StartsWith("authoriz", StringComparison.Ordinal)
                || SecretWords.Any(secret => word.Contains(secret, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a value is shaped like a Hugging Face access token.</summary>
    public static bool LooksLikeToken(string value) => HfTokenPattern().IsMatch(value);

    /// <summary>The value to show for <paramref name="key"/>: <see cref="Mask"/> when the key or the value looks secret.</summary>
    public static string MaskValue(string key, string value) =>
        IsSecretKey(key) ? (value is "" or "null" ? NotSet : Mask) : LooksLikeToken(value) ? Mask : value;

    /// <summary>Shown for a secret key with no value: a mask there would suggest a secret was given.</summary>
    public const string NotSet = "(not set)";

    // Words of a key: split at anything not a letter or digit, and at camelCase humps (apiKey -> api, key).
    private static IEnumerable<string> Words(string key) =>
        WordSplitter().Split(CamelHump().Replace(key, "$1 $2"))
            .Where(word => word.Length > 0)
            .Select(word => word.ToLowerInvariant());

    [GeneratedRegex(@"([a-z0-9])([A-Z])")]
    private static partial Regex CamelHump();

    [GeneratedRegex(@"[^A-Za-z0-9]+")]
    private static partial Regex WordSplitter();

    [GeneratedRegex(@"\bhf_[A-Za-z0-9]{20,}\b")]
    private static partial Regex HfTokenPattern();
}
