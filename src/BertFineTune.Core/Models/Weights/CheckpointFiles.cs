using System.Text.Json.Nodes;
using BertFineTune.Diagnostics;

namespace BertFineTune.Models.Weights;

/// <summary>Finds the weight files of an HF model folder, in transformers' order of preference.</summary>
public static class CheckpointFiles
{
    public const string Safetensors = "model.safetensors";
    public const string SafetensorsIndex = "model.safetensors.index.json";
    public const string PytorchBin = "pytorch_model.bin";
    public const string PytorchBinIndex = "pytorch_model.bin.index.json";

    /// <summary>The files to read (one, or every shard of an index), full paths.</summary>
    public static IReadOnlyList<string> Find(string directory)
    {
        foreach (var single in new[] { Safetensors, PytorchBin })
        {
            var path = Path.Combine(directory, single);
            if (File.Exists(path))
            {
                return [path];
            }

            var index = Path.Combine(directory, single == Safetensors ? SafetensorsIndex : PytorchBinIndex);
            if (File.Exists(index))
            {
                return Shards(directory, index);
            }
        }

        throw new UserErrorException(
            ModelErrors.WeightsMissing,
            $"no weights in {directory}: expected {Safetensors}, {SafetensorsIndex}, {PytorchBin} or {PytorchBinIndex}. " +
            "Download the model's weights into this folder, or point model_id at a complete model folder.",
            directory);
    }

    private static IReadOnlyList<string> Shards(string directory, string index)
    {
        JsonObject? map;
        try
        {
            map = JsonNode.Parse(File.ReadAllText(index))?["weight_map"] as JsonObject;
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new UserErrorException(ModelErrors.WeightsUnreadable, $"the shard index is not valid JSON: {e.Message}", index);
        }

        if (map is null || map.Count == 0)
        {
            throw new UserErrorException(ModelErrors.WeightsUnreadable, "the shard index has no \"weight_map\" object.", index, key: "weight_map");
        }

        var files = map.Select(kv => kv.Value?.ToString() ?? string.Empty).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var missing = files.Where(f => f.Length == 0 || !File.Exists(Path.Combine(directory, f))).ToList();
        if (missing.Count > 0)
        {
            throw new UserErrorException(
                ModelErrors.WeightsMissing,
                $"the shard index names files that are not in {directory}: {string.Join(", ", missing)}. Download every shard.",
                index,
                key: "weight_map");
        }

        return files.Select(f => Path.Combine(directory, f)).ToList();
    }
}
