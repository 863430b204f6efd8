namespace BertFineTune.Data;

/// <summary>A merged row before label encoding: preprocessed text, its label names (after <c>label_map</c>), and origin.</summary>
internal sealed record RawExample(string Text, string[] Labels, int SourceIndex, int Line);
