using System.Text.Json.Nodes;
using BertFineTune.Models.Weights;
using static TorchSharp.torch;

namespace BertFineTune.Tests.Models;

/// <summary>Builds altered copies of a fixture model folder for loader tests.</summary>
internal static class CheckpointEditing
{
    /// <summary>Copies <paramref name="source"/>'s config (optionally edited) and rewrites its weights through <paramref name="edit"/>.</summary>
    public static void Derive(
        string source,
        string target,
        Func<Dictionary<string, Tensor>, Dictionary<string, Tensor>> edit,
        Action<JsonObject>? editConfig = null)
    {
        Directory.CreateDirectory(target);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(source, "config.json")))!.AsObject();
        editConfig?.Invoke(config);
        File.WriteAllText(Path.Combine(target, "config.json"), config.ToJsonString());
        using var checkpoint = CheckpointReader.Read(source);
        var edited = edit(new Dictionary<string, Tensor>(checkpoint.Tensors));
        SafetensorsFile.Write(Path.Combine(target, CheckpointFiles.Safetensors), edited.Select(kv => (kv.Key, kv.Value)).ToList());
    }
}
