namespace BertFineTune.Models.Layers;

/// <summary>The attention core a freshly built model uses (see AttentionCoreBenchmarks for the measurements behind it).</summary>
public static class AttentionDefaults
{
    public const AttentionImplementation Implementation = AttentionImplementation.Auto;
}
