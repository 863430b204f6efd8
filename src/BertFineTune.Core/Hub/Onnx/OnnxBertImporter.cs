using System.Text.Json.Nodes;
using BertFineTune.Diagnostics;
using BertFineTune.IO;
using BertFineTune.Models.Weights;
using BertFineTune.Native;
using BertFineTune.Text.Tokenization;
using TorchSharp;

namespace BertFineTune.Hub.Onnx;

/// <summary>
/// Turns a torch.onnx export of a BERT encoder (<c>BertModel</c>, e.g. all-MiniLM-L6-v2) into an HF model folder:
/// <c>config.json</c>, <c>model.safetensors</c> with BertModel keys, <c>vocab.txt</c> and tokenizer config.
/// </summary>
/// <remarks>
/// Mapping rules. Initializers with HF names (embeddings, biases, LayerNorm, <c>pooler.dense.weight</c> of a Gemm)
/// keep their names. Linear weights are anonymous MatMul inputs stored <c>[in, out]</c>: the MatMul's output feeds an
/// <c>Add</c> with <c>X.bias</c>, so the weight is <c>X.weight</c>, transposed to <c>[out, in]</c>. Sizes come from
/// tensor shapes; <c>num_attention_heads</c> from the constant <c>[heads, head_dim]</c> of the attention Reshape
/// shapes (default hidden/64); <c>layer_norm_eps</c> from the constant added before LayerNorm's Sqrt (default 1e-12).
/// The int64 <c>embeddings.position_ids</c> buffer is dropped, as transformers ≥ 4.31 do.
/// </remarks>
public static class OnnxBertImporter
{
    public static OnnxImportResult Import(string onnxPath, string vocabPath, string outputDirectory)
    {
        if (!File.Exists(onnxPath))
        {
            throw new UserErrorException(HubErrors.OnnxImport, "The ONNX file does not exist.", onnxPath);
        }

        var vocabulary = WordPieceTextTokenizer.FromVocabFile(vocabPath, new WordPieceSettings()).Vocabulary;
        return Import(File.ReadAllBytes(onnxPath), vocabulary, outputDirectory, onnxPath);
    }

    public static OnnxImportResult Import(ReadOnlyMemory<byte> onnx, IReadOnlyList<string> vocabulary, string outputDirectory, string sourceName)
    {
        var graph = OnnxModelReader.Read(onnx, sourceName);
        var tensors = MapTensors(graph, sourceName);

        UserErrorException Missing(string what) => new(HubErrors.OnnxImport, $"The ONNX graph is not a BERT encoder: {what}.", sourceName);
        var word = tensors.GetValueOrDefault("embeddings.word_embeddings.weight") ?? throw Missing("no embeddings.word_embeddings.weight initializer");
        var position = tensors.GetValueOrDefault("embeddings.position_embeddings.weight") ?? throw Missing("no embeddings.position_embeddings.weight");
        var types = tensors.GetValueOrDefault("embeddings.token_type_embeddings.weight") ?? throw Missing("no embeddings.token_type_embeddings.weight");
        var intermediate = tensors.GetValueOrDefault("encoder.layer.0.intermediate.dense.bias") ?? throw Missing("no encoder.layer.0.intermediate.dense.bias");
        var hidden = (int)word.Shape[1];
        var layers = tensors.Keys
            .Select(k => k.Split('.'))
            .Where(p => p.Length > 2 && p[0] == "encoder" && p[1] == "layer")
            .Select(p => int.Parse(p[2], System.Globalization.CultureInfo.InvariantCulture))
            .Max() + 1;
        if (word.Shape[0] != vocabulary.Count)
        {
            throw new UserErrorException(
                HubErrors.OnnxImport,
                $"The vocabulary has {vocabulary.Count} tokens but the model's word embeddings have {word.Shape[0]} rows; pass the vocab.txt that belongs to this model.",
                sourceName);
        }

        var (heads, headsSource) = FindHeads(graph, hidden);
        var config = new JsonObject
        {
            ["architectures"] = new JsonArray("BertModel"),
            ["model_type"] = "bert",
            ["attention_probs_dropout_prob"] = 0.1,
            ["classifier_dropout"] = null,
            ["hidden_act"] = graph.Nodes.Any(n => n.OpType == "Erf") ? "gelu" : "gelu_new",
            ["hidden_dropout_prob"] = 0.1,
            ["hidden_size"] = hidden,
            ["initializer_range"] = 0.02,
            ["intermediate_size"] = (int)intermediate.Shape[0],
            ["layer_norm_eps"] = FindLayerNormEps(graph),
            ["max_position_embeddings"] = (int)position.Shape[0],
            ["num_attention_heads"] = heads,
            ["num_hidden_layers"] = layers,
            ["pad_token_id"] = 0,
            ["position_embedding_type"] = "absolute",
            ["torch_dtype"] = "float32",
            ["transformers_version"] = "4.28.0",
            ["type_vocab_size"] = (int)types.Shape[0],
            ["use_cache"] = true,
            ["vocab_size"] = (int)word.Shape[0],
        };

        Directory.CreateDirectory(outputDirectory);
        TorchNativeLoader.EnsureLoaded();
        using (torch.NewDisposeScope())
        {
            SafetensorsFile.Write(
                Path.Combine(outputDirectory, "model.safetensors"),
                tensors.Values.Select(t => (t.Name, torch.tensor(t.Values, t.Shape))).ToList());
        }

        WordPieceTextTokenizer.FromVocabulary(vocabulary, new WordPieceSettings(ModelMaxLength: (int)position.Shape[0])).Save(outputDirectory);
        AtomicFile.WriteAllText(Path.Combine(outputDirectory, "config.json"), config.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
        return new OnnxImportResult(Path.GetFullPath(outputDirectory), hidden, layers, heads, headsSource, (int)intermediate.Shape[0], (int)word.Shape[0], tensors.Count);
    }

    /// <summary>HF name → float32 tensor in HF layout.</summary>
    private static Dictionary<string, ImportedTensor> MapTensors(OnnxGraph graph, string sourceName)
    {
        var initializers = graph.Initializers.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var consumers = graph.Nodes
            .SelectMany(n => n.Inputs.Select(i => (Input: i, Node: n)))
            .ToLookup(x => x.Input, x => x.Node, StringComparer.Ordinal);
        var result = new Dictionary<string, ImportedTensor>(StringComparer.Ordinal);
        var unnamed = new List<string>();
        foreach (var t in graph.Initializers.Where(t => t.DataType == (int)OnnxDataType.Float))
        {
            if (IsHfName(t.Name))
            {
                var gemm = consumers[t.Name].FirstOrDefault(n => n.OpType == "Gemm" && n.Inputs.Length > 1 && n.Inputs[1] == t.Name);
                var transposed = gemm is not null && gemm.IntAttributes.GetValueOrDefault("transB") == 0;
                result[t.Name] = transposed ? Transpose(t.Name, t) : new ImportedTensor(t.Name, t.Dims, t.ToFloats());
                continue;
            }

            var name = NameOfMatMulWeight(t, consumers, initializers);
            if (name is null)
            {
                if (t.Dims.Length == 2)
                {
                    unnamed.Add($"{t.Name} [{string.Join('x', t.Dims)}]");
                }

                continue;
            }

            result[name] = Transpose(name, t);
        }

        if (unnamed.Count > 0)
        {
            throw new UserErrorException(
                HubErrors.OnnxImport,
                $"These weight matrices could not be named (their MatMul is not followed by an Add of a named '.bias'): {string.Join(", ", unnamed)}. Export the model with torch.onnx and do_constant_folding, from an HF BertModel.",
                sourceName);
        }

        return result;
    }

    private static bool IsHfName(string name) =>
        name.Contains('.', StringComparison.Ordinal) && !name.StartsWith("onnx::", StringComparison.Ordinal);

    /// <summary>MatMul(x, W) → Add(X.bias) names W as X.weight.</summary>
    private static string? NameOfMatMulWeight(OnnxTensor weight, ILookup<string, OnnxNode> consumers, Dictionary<string, OnnxTensor> initializers)
    {
        if (weight.Dims.Length != 2)
        {
            return null;
        }

        foreach (var matMul in consumers[weight.Name].Where(n => n.OpType == "MatMul" && n.Inputs.Length == 2 && n.Inputs[1] == weight.Name))
        {
            foreach (var add in consumers[matMul.Outputs[0]].Where(n => n.OpType == "Add"))
            {
                var bias = add.Inputs.FirstOrDefault(i => i != matMul.Outputs[0] && i.EndsWith(".bias", StringComparison.Ordinal) && initializers.ContainsKey(i));
                if (bias is not null && initializers[bias].Dims is [var size] && size == weight.Dims[1])
                {
                    return bias[..^".bias".Length] + ".weight";
                }
            }
        }

        return null;
    }

    /// <summary>ONNX keeps Linear weights as <c>[in, out]</c>; PyTorch wants <c>[out, in]</c>.</summary>
    private static ImportedTensor Transpose(string name, OnnxTensor t)
    {
        var source = t.ToFloats();
        int rows = (int)t.Dims[0], cols = (int)t.Dims[1];
        var result = new float[source.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < cols; c++)
            {
                result[(c * rows) + r] = source[(r * cols) + c];
            }
        }

        return new ImportedTensor(name, [cols, rows], result);
    }

    /// <summary>Attention reshapes to <c>[batch, seq, heads, head_dim]</c>; the last two are constants whose product is hidden.</summary>
    private static (int Heads, string Source) FindHeads(OnnxGraph graph, int hidden)
    {
        var constants = IntConstants(graph);
        var producers = graph.Nodes.SelectMany(n => n.Outputs.Select(o => (o, n))).ToDictionary(x => x.o, x => x.n, StringComparer.Ordinal);
        var votes = new Dictionary<int, int>();
        foreach (var reshape in graph.Nodes.Where(n => n.OpType == "Reshape" && n.Inputs.Length == 2))
        {
            long[]? shape = constants.GetValueOrDefault(reshape.Inputs[1]);
            if (shape is null && producers.TryGetValue(reshape.Inputs[1], out var concat) && concat.OpType == "Concat")
            {
                shape = [.. concat.Inputs.Select(i => constants.TryGetValue(i, out var v) && v.Length == 1 ? v[0] : -1)];
            }

            if (shape is { Length: 4 } && shape[2] > 0 && shape[3] > 0 && shape[2] * shape[3] == hidden)
            {
                votes[(int)shape[2]] = votes.GetValueOrDefault((int)shape[2]) + 1;
            }
        }

        return votes.Count > 0
            ? (votes.MaxBy(kv => kv.Value).Key, "reshape constants")
            : (Math.Max(1, hidden / 64), "default hidden/64");
    }

    private static double FindLayerNormEps(OnnxGraph graph)
    {
        var floats = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var n in graph.Nodes.Where(n => n.OpType == "Constant" && n.Value is { DataType: (int)OnnxDataType.Float } v && v.ElementCount == 1))
        {
            floats[n.Outputs[0]] = n.Value!.ToFloats()[0];
        }

        foreach (var t in graph.Initializers.Where(t => t.DataType == (int)OnnxDataType.Float && t.ElementCount == 1))
        {
            floats[t.Name] = t.ToFloats()[0];
        }

        var producers = graph.Nodes.SelectMany(n => n.Outputs.Select(o => (o, n))).ToDictionary(x => x.o, x => x.n, StringComparer.Ordinal);
        foreach (var sqrt in graph.Nodes.Where(n => n.OpType == "Sqrt"))
        {
            if (producers.TryGetValue(sqrt.Inputs[0], out var add) && add.OpType == "Add")
            {
                foreach (var input in add.Inputs)
                {
                    if (floats.TryGetValue(input, out var eps) && eps is > 0 and < 1e-3f)
                    {
                        return double.Parse(eps.ToString("R", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);
                    }
                }
            }
        }

        return 1e-12;
    }

    private static Dictionary<string, long[]> IntConstants(OnnxGraph graph)
    {
        var result = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var t in graph.Initializers.Where(t => t.DataType is (int)OnnxDataType.Int64 or (int)OnnxDataType.Int32))
        {
            result[t.Name] = t.ToInt64s();
        }

        foreach (var n in graph.Nodes.Where(n => n.OpType == "Constant" && n.Value is { DataType: (int)OnnxDataType.Int64 or (int)OnnxDataType.Int32 }))
        {
            result[n.Outputs[0]] = n.Value!.ToInt64s();
        }

        return result;
    }
}
