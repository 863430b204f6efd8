namespace BertFineTune.Text.Tokenization;

/// <summary>
/// A GPT-2 style byte-level BPE model: token → id (<c>vocab.json</c> / <c>model.vocab</c>) and the merges in rank
/// order (<c>merges.txt</c> / <c>model.merges</c>), each a pair of byte-level strings.
/// </summary>
public sealed record ByteLevelBpeVocabulary(IReadOnlyDictionary<string, int> Vocab, IReadOnlyList<(string Left, string Right)> Merges);
