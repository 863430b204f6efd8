using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using BertFineTune.IO;

namespace BertFineTune.Text.Tokenization;

/// <summary>Writes tokenizer JSON files the way HF does: indented, UTF-8 kept as is, written atomically.</summary>
internal static class TokenizerFiles
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void WriteJson(string path, JsonNode node) => AtomicFile.WriteAllText(path, node.ToJsonString(Indented) + "\n");
}
