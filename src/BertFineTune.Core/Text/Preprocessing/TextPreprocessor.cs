using BertFineTune.Data;
using BertFineTune.Diagnostics;

namespace BertFineTune.Text.Preprocessing;

/// <summary>
/// Cleans one text with the configured options; each enabled step runs in this order, and step 10 whenever any option is on:
/// <list type="number">
/// <item>retweet markers (a leading <c>RT</c>, <c>RT @user:</c>)</item>
/// <item>mentions (<c>@handle</c>; e-mail addresses are not mentions)</item>
/// <item>URLs (http, https, ftp, bare <c>www.</c>; query strings included)</item>
/// <item>emoji, whole sequences: ZWJ families, skin tones, flags, keycaps, variation selectors</item>
/// <item>newlines and tabs become spaces</item>
/// <item>lowercase (invariant culture)</item>
/// <item>normalization: whole words, case-insensitive, longest (multi-word) keys first</item>
/// <item>symbols: Unicode P* and S* categories; letters of every script and in-word apostrophes stay</item>
/// <item>numbers: Unicode N* categories, also inside words (<c>covid19</c> → <c>covid</c>)</item>
/// <item>whitespace runs collapse to one space (to one line break, if the run holds one and newlines are kept); the ends are trimmed</item>
/// </list>
/// Removed items become a space (step 10 then tidies up), so words on either side never glue together. Normalization
/// runs after lowercasing and before symbol/number removal so that keys such as <c>b4</c> or <c>w/</c> can still match.
/// With every option off, the text is returned unchanged. Instances are immutable and thread-safe.
/// </summary>
public sealed class TextPreprocessor
{
    private readonly PreprocessingOptions _options;
    private readonly NormalizationDictionary? _normalization;

    public TextPreprocessor(PreprocessingOptions options, NormalizationDictionary? normalization)
    {
        if (options.NormalizationEnabled && normalization is null)
        {
            throw new ArgumentException("Normalization is enabled but no dictionary was given.", nameof(normalization));
        }

        _options = options;
        _normalization = options.NormalizationEnabled ? normalization : null;
    }

    public PreprocessingOptions Options => _options;

    /// <summary>Builds a preprocessor, loading the normalization dictionary (file or bundled name) when enabled.</summary>
    public static async Task<TextPreprocessor> CreateAsync(PreprocessingOptions options, string baseDirectory, CancellationToken cancellationToken = default)
    {
        NormalizationDictionary? dictionary = null;
        if (options.NormalizationEnabled)
        {
            if (string.IsNullOrWhiteSpace(options.NormalizationFile))
            {
                throw new UserErrorException(new UserError(
                    DataErrorCodes.NormalizationNotFound,
                    $"Normalization is enabled but no filepath is given; set it to a JSON file or a bundled dictionary ({string.Join(", ", NormalizationLoader.BundledNames)}).",
                    options.NormalizationWhere?.ConfigFile,
                    options.NormalizationWhere?.Line,
                    options.NormalizationWhere?.Column,
                    options.NormalizationWhere?.KeyPath ?? "preprocessing.normalization.filepath"));
            }

            dictionary = await NormalizationLoader.LoadAsync(options.NormalizationFile, baseDirectory, options.NormalizationWhere, cancellationToken);
        }

        return new TextPreprocessor(options, dictionary);
    }

    /// <summary>The cleaned text; may be empty (the pipeline then drops the row and counts it).</summary>
    public string Process(string text)
    {
        var o = _options;
        if (!o.AnyEnabled)
        {
            return text;
        }

        if (o.RemoveRetweets && text.Contains("RT", StringComparison.Ordinal))
        {
            text = TwitterPatterns.Retweet().Replace(text, " ");
        }

        if (o.RemoveMentions && text.Contains('@'))
        {
            text = TwitterPatterns.Mention().Replace(text, " ");
        }

        if (o.RemoveUrls && (text.Contains("://", StringComparison.Ordinal) || text.Contains("www.", StringComparison.OrdinalIgnoreCase)))
        {
            text = TwitterPatterns.Url().Replace(text, " ");
        }

        if (o.RemoveEmojis)
        {
            text = EmojiScanner.Remove(text);
        }

        // Step 5 (newlines → spaces) is folded into step 10's pass: no step in between can tell a newline from a space,
        // since normalization matches any whitespace run between the words of a key.
        if (o.Lowercase)
        {
            text = text.ToLowerInvariant();
        }

        if (_normalization is not null)
        {
            text = _normalization.Apply(text);
        }

        return SymbolNumberWhitespaceScanner.Apply(text, o.RemoveSymbols, o.RemoveNumbers, keepNewlines: !o.RemoveNewlines);
    }
}
