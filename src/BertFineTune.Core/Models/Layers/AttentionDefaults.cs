namespace BertFineTune.Models.Layers;

/// <summary>The attention core a freshly built model uses (see the Models benchmarks for why).</summary>
public static class AttentionDefaults
{
    public const AttentionImplementation Implementation = AttentionImplementation.Sdpa;
}
