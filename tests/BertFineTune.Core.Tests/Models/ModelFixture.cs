using System.Text.Json.Nodes;
using BertFineTune.Models;
using BertFineTune.Native;
using BertFineTune.Tests.Support;
using BertFineTune.Text.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Tests.Models;

/// <summary>One <c>fixtures/tiny-*</c> folder: its model folder, the padded batch of inputs.jsonl and expected.json.</summary>
public sealed class ModelFixture
{
    public static readonly string[] Names = ["tiny-bert", "tiny-distilbert", "tiny-roberta", "tiny-modernbert", "tiny-modernbert-cls", "tiny-electra", "tiny-xlm-roberta", "tiny-deberta-v3"];

    private ModelFixture(string name)
    {
        TorchNativeLoader.EnsureLoaded();
        Name = name;
        Folder = RepoPaths.Fixture(name);
        var lines = File.ReadAllLines(Path.Combine(Folder, "inputs.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Rows = lines;
        Expected = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "expected.json")))!.AsObject();
        Labels = Expected["labels"]!.AsArray().Select(n => n!.GetValue<long>()).ToArray();
    }

    public string Name { get; }

    public string Folder { get; }

    public string ModelFolder => Path.Combine(Folder, "model");

    public IReadOnlyList<JsonObject> Rows { get; }

    public JsonObject Expected { get; }

    public long[] Labels { get; }

    public static ModelFixture Load(string name) => new(name);

    /// <summary>The padded batch exactly as inputs.jsonl gives it.</summary>
    public ModelInputs Batch()
    {
        var rows = Rows.Count;
        var length = Rows[0]["input_ids"]!.AsArray().Count;
        long[] shape = [rows, length];
        Tensor Column(string key) => torch.tensor(Rows.SelectMany(r => r[key]!.AsArray().Select(n => n!.GetValue<long>())).ToArray(), shape);
        return new ModelInputs(Column("input_ids"), Column("attention_mask"), Rows[0].ContainsKey("token_type_ids") ? Column("token_type_ids") : null);
    }

    /// <summary>The unpadded encodings (first <c>num_tokens</c> of each row).</summary>
    public IReadOnlyList<TokenizedText> Encodings() => Rows.Select(r =>
    {
        var n = r["num_tokens"]!.GetValue<int>();
        var ids = r["input_ids"]!.AsArray().Take(n).Select(x => x!.GetValue<int>()).ToArray();
        var types = r["token_type_ids"]?.AsArray().Take(n).Select(x => x!.GetValue<int>()).ToArray();
        return new TokenizedText(ids, types, r["tokens"]!.AsArray().Select(x => x!.GetValue<string>()).ToArray());
    }).ToList();

    public Tensor LabelTensor() => torch.tensor(Labels);

    public float[,] Matrix(JsonNode node)
    {
        var rows = node.AsArray();
        var cols = rows[0]!.AsArray().Count;
        var result = new float[rows.Count, cols];
        for (var i = 0; i < rows.Count; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                result[i, j] = rows[i]![j]!.GetValue<float>();
            }
        }

        return result;
    }

    public static double MaxAbsDiff(Tensor actual, float[,] expected)
    {
        using var scope = torch.NewDisposeScope();
        var values = actual.detach().cpu().to(ScalarType.Float32).data<float>().ToArray();
        var cols = expected.GetLength(1);
        Assert.Equal(expected.Length, values.Length);
        double max = 0;
        for (var i = 0; i < values.Length; i++)
        {
            max = Math.Max(max, Math.Abs(values[i] - expected[i / cols, i % cols]));
        }

        return max;
    }
}
