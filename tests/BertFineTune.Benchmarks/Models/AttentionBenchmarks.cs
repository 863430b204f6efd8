using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using BertFineTune.Models;
using BertFineTune.Models.Configuration;
using BertFineTune.Models.Layers;
using BertFineTune.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Benchmarks.Models;

/// <summary>
/// SDPA against eager attention on an all-MiniLM-L6-v2-sized BERT (384 hidden, 6 layers, 12 heads), batch 16 × 128 with
/// a quarter of each row padded: inference (eval, no grad) and one training forward + backward, attention dropout 0 and 0.1.
/// Run: <c>dotnet run -c Release --project tests/BertFineTune.Benchmarks -- --filter *AttentionBenchmarks*</c>.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 6)]
[MemoryDiagnoser(false)]
public class AttentionBenchmarks
{
    private BertForSequenceClassification _model = null!;
    private ModelInputs _batch = null!;
    private Tensor _labels = null!;

    [Params(AttentionImplementation.Sdpa, AttentionImplementation.Eager)]
    public AttentionImplementation Attention { get; set; }

    [Params(0.0, 0.1)]
    public double AttentionDropout { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        TorchNativeLoader.EnsureLoaded();
        torch.manual_seed(0);
        torch.set_num_threads(Environment.ProcessorCount);
        var json = new JsonObject
        {
            ["model_type"] = "bert",
            ["vocab_size"] = 30522,
            ["hidden_size"] = 384,
            ["num_hidden_layers"] = 6,
            ["num_attention_heads"] = 12,
            ["intermediate_size"] = 1536,
            ["max_position_embeddings"] = 512,
            ["attention_probs_dropout_prob"] = AttentionDropout,
            ["hidden_dropout_prob"] = 0.0,
            ["id2label"] = new JsonObject { ["0"] = "a", ["1"] = "b", ["2"] = "c" },
        };
        _model = new BertForSequenceClassification(BertConfig.Parse(new ConfigJson(json, "benchmark"), "bert"));
        foreach (var (name, parameter) in _model.named_parameters())
        {
            Initializers.Normal(parameter, name.Contains("LayerNorm.weight", StringComparison.Ordinal) ? 0.0 : 0.02, null);
            if (name.Contains("LayerNorm.weight", StringComparison.Ordinal))
            {
                using var noGrad = torch.no_grad();
                parameter.fill_(1.0);
            }
        }

        _model.AttentionImplementation = Attention;
        const int Batch = 16, Length = 128;
        var ids = torch.randint(1000, 30000, [Batch, Length]);
        var mask = torch.ones(Batch, Length, dtype: ScalarType.Int64);
        for (var row = 0; row < Batch; row += 2)
        {
            mask[row, TensorIndex.Slice(Length * 3 / 4)] = torch.tensor(0L);
        }

        _batch = new ModelInputs(ids * mask, mask, torch.zeros_like(ids));
        _labels = torch.randint(0, 3, [Batch]);
    }

    [Benchmark]
    public float Inference()
    {
        _model.eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return _model.forward(_batch).sum().item<float>();
    }

    [Benchmark]
    public float TrainForwardBackward()
    {
        _model.train();
        using var scope = torch.NewDisposeScope();
        _model.zero_grad();
        var loss = nn.functional.cross_entropy(_model.forward(_batch), _labels);
        loss.backward();
        return loss.item<float>();
    }

    [GlobalCleanup]
    public void Cleanup() => _model.Dispose();
}
