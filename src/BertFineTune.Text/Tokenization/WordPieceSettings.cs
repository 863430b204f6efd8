namespace BertFineTune.Text.Tokenization;

/// <summary>
/// The <c>tokenizer_config.json</c> settings of a BERT-style WordPiece tokenizer.
/// <paramref name="StripAccents"/> null means "as <paramref name="DoLowerCase"/>", as in transformers.
/// </summary>
/// <remarks>TokenizerClass: <c>BertTokenizer</c> or <c>DistilBertTokenizer</c>; written back on save.</remarks>
/// <remarks>ReturnsTokenTypeIds: BERT true; DistilBERT false (its model takes no token types).</remarks>
public sealed record WordPieceSettings(
    string TokenizerClass = "BertTokenizer",
    bool DoLowerCase = true,
    bool? StripAccents = null,
    bool TokenizeChineseChars = true,
    string UnkToken = "[UNK]",
    string ClsToken = "[CLS]",
    string SepToken = "[SEP]",
    string PadToken = "[PAD]",
    string MaskToken = "[MASK]",
    bool ReturnsTokenTypeIds = true,
    int? ModelMaxLength = null)
{
    /// <summary>Whether accents are removed (NFD, then drop non-spacing marks): <c>strip_accents</c>, else <c>do_lower_case</c>.</summary>
    public bool RemovesAccents => StripAccents ?? DoLowerCase;
}
