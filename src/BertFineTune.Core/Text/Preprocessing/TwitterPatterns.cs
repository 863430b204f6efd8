using System.Text.RegularExpressions;

namespace BertFineTune.Text.Preprocessing;

/// <summary>The three source-generated patterns of the first preprocessing steps.</summary>
internal static partial class TwitterPatterns
{
    /// <summary>
    /// A retweet marker: <c>RT @user:</c> anywhere (upper-case RT as a whole word), or a bare leading <c>RT</c>/<c>RT:</c>.
    /// The handle goes with the marker even when mentions are kept, since it names the retweeted account, not a reader.
    /// </summary>
    [GeneratedRegex(@"\bRT\s+@\w+:?|^\s*RT\b:?", RegexOptions.CultureInvariant)]
    public static partial Regex Retweet();

    /// <summary>An <c>@handle</c> not preceded by a word character, so e-mail addresses stay whole.</summary>
    [GeneratedRegex(@"(?<![\w@.])@\w+", RegexOptions.CultureInvariant)]
    public static partial Regex Mention();

    /// <summary>
    /// An http(s)/ftp URL or a bare <c>www.</c> host with its path and query string; sentence punctuation right after
    /// the URL (a closing bracket, a full stop) is not part of it.
    /// </summary>
    [GeneratedRegex(@"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>""]*[^\s<>"".,;:!?)\]}'’]", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    public static partial Regex Url();
}
