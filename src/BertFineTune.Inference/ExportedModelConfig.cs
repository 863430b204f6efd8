using System.Globalization;
using System.Text.Json.Nodes;
using BertFineTune.Diagnostics;
using BertFineTune.Text.Tokenization;

namespace BertFineTune.Inference;

/// <summary>What an exported folder's <c>config.json</c> says: labels, problem type, family and sequence limit.</summary>
internal sealed record ExportedModelConfig(string File, IReadOnlyList<string> Labels, bool MultiLabel, string ModelType, string Architecture, int MaxSequenceLength)
{
    public static ExportedModelConfig Read(string directory)
    {
        var path = Path.Combine(directory, "config.json");
        if (!System.IO.File.Exists(path))
        {
            throw new UserErrorException(InferenceErrors.OnnxContract, "config.json is missing: an exported model folder holds model.onnx, config.json (labels) and the tokenizer files. Export again with bertft export onnx.", path);
        }

        var json = TokenizerConfigFile.Read(path);
        var labels = ReadLabels(json, path);
        var modelType = TokenizerConfigFile.String(json, "model_type") ?? "bert";
        var architecture = (json["architectures"] as JsonArray)?.FirstOrDefault()?.GetValue<string>() ?? "unknown";
        var multiLabel = TokenizerConfigFile.String(json, "problem_type") == "multi_label_classification";
        var positions = TokenizerConfigFile.Int(json, "max_position_embeddings") ?? 512;
        var pad = TokenizerConfigFile.Int(json, "pad_token_id") ?? 1;
        var max = (json["onnx"] as JsonObject) is { } onnx && TokenizerConfigFile.Int(onnx, "max_sequence_length") is int fromExport
            ? fromExport
            : modelType is "roberta" or "xlm-roberta" ? positions - pad - 1 : positions;
        return new ExportedModelConfig(path, labels, multiLabel, modelType, architecture, max);
    }

    private static string[] ReadLabels(JsonObject json, string path)
    {
        if (json["id2label"] is not JsonObject id2label || id2label.Count == 0)
        {
            var count = TokenizerConfigFile.Int(json, "num_labels") ?? 2;
            return [.. Enumerable.Range(0, count).Select(i => $"LABEL_{i}")];
        }

        var byId = new SortedDictionary<int, string>();
        foreach (var (key, value) in id2label)
        {
            if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || value is not JsonValue v || !v.TryGetValue<string>(out var label))
            {
                throw new UserErrorException(InferenceErrors.OnnxContract, $"id2label must map ids \"0\".. to label names; entry \"{key}\" is not that.", path, key: "id2label");
            }

            byId[id] = label;
        }

        if (byId.Keys.First() != 0 || byId.Keys.Last() != byId.Count - 1)
        {
            throw new UserErrorException(InferenceErrors.OnnxContract, $"id2label must have the ids 0..{byId.Count - 1} without gaps.", path, key: "id2label");
        }

        return [.. byId.Values];
    }
}
