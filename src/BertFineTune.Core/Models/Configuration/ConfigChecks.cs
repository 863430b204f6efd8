namespace BertFineTune.Models.Configuration;

internal static class ConfigChecks
{
    public static void Divisible(PretrainedModelConfig config)
    {
        if (config.NumAttentionHeads <= 0 || config.HiddenSize % config.NumAttentionHeads != 0)
        {
            throw config.Json.Invalid(
                "num_attention_heads",
                $"({config.NumAttentionHeads}) must divide the hidden size ({config.HiddenSize})");
        }

        if (config.Labels.Count == 0)
        {
            throw config.Json.Invalid("id2label", "must name at least one label");
        }
    }
}
