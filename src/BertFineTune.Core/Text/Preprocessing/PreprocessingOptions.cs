using BertFineTune.Data;

namespace BertFineTune.Text.Preprocessing;

/// <summary>
/// The <c>preprocessing</c> section of the config. Steps run in the fixed order documented on <see cref="TextPreprocessor"/>.
/// </summary>
/// <param name="Lowercase"><c>preprocessing.default.lowercase</c>.</param>
/// <param name="RemoveSymbols"><c>preprocessing.default.remove_symbols</c>.</param>
/// <param name="RemoveNumbers"><c>preprocessing.default.remove_numbers</c>.</param>
/// <param name="RemoveNewlines"><c>preprocessing.default.remove_newlines</c>.</param>
/// <param name="NormalizationEnabled"><c>preprocessing.normalization.enabled</c>.</param>
/// <param name="NormalizationFile"><c>preprocessing.normalization.filepath</c>: a JSON file (relative to the config's folder), or a bundled name (<c>en</c>, <c>id</c>).</param>
/// <param name="RemoveMentions"><c>preprocessing.advanced.remove_mentions</c>.</param>
/// <param name="RemoveRetweets"><c>preprocessing.advanced.remove_retweets</c>.</param>
/// <param name="RemoveEmojis"><c>preprocessing.advanced.remove_emojis</c>.</param>
/// <param name="RemoveUrls"><c>preprocessing.advanced.remove_urls</c>.</param>
/// <param name="NormalizationWhere">Where <c>normalization.filepath</c> sits in the config, for errors.</param>
public sealed record PreprocessingOptions(
    bool Lowercase = false,
    bool RemoveSymbols = false,
    bool RemoveNumbers = false,
    bool RemoveNewlines = false,
    bool NormalizationEnabled = false,
    string? NormalizationFile = null,
    bool RemoveMentions = false,
    bool RemoveRetweets = false,
    bool RemoveEmojis = false,
    bool RemoveUrls = false,
    ConfigLocation? NormalizationWhere = null)
{
    /// <summary>No preprocessing: texts are kept exactly as read.</summary>
    public static PreprocessingOptions None { get; } = new();

    /// <summary>Every option on, with the given normalization dictionary.</summary>
    public static PreprocessingOptions All(string normalizationFile) =>
        new(true, true, true, true, true, normalizationFile, true, true, true, true);

    /// <summary>True when at least one step changes text.</summary>
    public bool AnyEnabled =>
        Lowercase || RemoveSymbols || RemoveNumbers || RemoveNewlines || NormalizationEnabled
        || RemoveMentions || RemoveRetweets || RemoveEmojis || RemoveUrls;
}
