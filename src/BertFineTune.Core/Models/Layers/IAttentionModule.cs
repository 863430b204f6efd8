namespace BertFineTune.Models.Layers;

/// <summary>A self-attention module whose core can be switched between <see cref="AttentionImplementation"/>s.</summary>
public interface IAttentionModule
{
    AttentionImplementation Implementation { get; set; }
}
