using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using BertFineTune.Native;
using BertFineTune.Training;
using BertFineTune.Training.Optimization;
using TorchSharp;
using TorchSharp.Modules;

namespace BertFineTune.Benchmarks.Training;

/// <summary>
/// One AdamW step (weight decay 0.01 on the HF decay group, clipping at 1.0 included) over a BERT-base-sized parameter
/// set (109.5M parameters in BERT-base shapes, gradients random): fused flat buffers (chunked, the default, and
/// unchunked) against the per-parameter loop, and TorchSharp's own optim.AdamW for reference.
/// Run: dotnet run -c Release --project tests/BertFineTune.Benchmarks -- --filter '*AdamWStep*'
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 8)]
[MemoryDiagnoser(false)]
public class AdamWStepBenchmarks
{
    private List<(string Name, Parameter Parameter)> _parameters = [];
    private AdamWOptimizer? _ours;
    private TorchSharp.Modules.AdamW? _torchSharp;

    [Params("adamw_torch", "adamw_torch_fused", "fused_unchunked", "torchsharp_optim_adamw")]
    public string Optimizer { get; set; } = "adamw_torch_fused";

    [GlobalSetup]
    public void Setup()
    {
        TorchNativeLoader.EnsureLoaded();
        torch.set_num_threads(Environment.ProcessorCount);
        var gen = new torch.Generator(7);
        _parameters = BertBaseShapes().Select(s =>
        {
            var p = new Parameter(torch.randn(s.Shape, generator: gen) * 0.02);
            p.grad = torch.randn(s.Shape, generator: gen) * 1e-3;
            return (s.Name, p);
        }).ToList();
        Console.WriteLine($"// parameters: {_parameters.Sum(p => p.Parameter.numel()):N0}");
        if (Optimizer == "torchsharp_optim_adamw")
        {
            _torchSharp = torch.optim.AdamW(_parameters.Select(p => p.Parameter), lr: 5e-5, weight_decay: 0.01);
        }
        else
        {
            var groups = ParameterGroups.Build(_parameters, 0.01);
            _ours = Optimizer switch
            {
                "adamw_torch_fused" => new FusedAdamW(groups),
                "fused_unchunked" => new FusedAdamW(groups, chunkElements: 0),
                _ => AdamWOptimizer.Create(BertFineTune.Config.Optimizer.AdamwTorch, groups),
            };
        }
    }

    [Benchmark]
    public void Step()
    {
        if (_torchSharp is not null)
        {
            torch.nn.utils.clip_grad_norm_(_parameters.Select(p => p.Parameter), 1.0);
            _torchSharp.step();
            return;
        }

        _ours!.ClipGradNorm(1.0);
        _ours.Step(5e-5);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ours?.Dispose();
        _torchSharp?.Dispose();
        foreach (var (_, p) in _parameters)
        {
            p.Dispose();
        }
    }

    /// <summary>bert-base-uncased + a 2-label classifier, in <c>named_parameters()</c> order.</summary>
    public static IEnumerable<(string Name, long[] Shape)> BertBaseShapes()
    {
        const long h = 768, ff = 3072;
        yield return ("bert.embeddings.word_embeddings.weight", [30522, h]);
        yield return ("bert.embeddings.position_embeddings.weight", [512, h]);
        yield return ("bert.embeddings.token_type_embeddings.weight", [2, h]);
        yield return ("bert.embeddings.LayerNorm.weight", [h]);
        yield return ("bert.embeddings.LayerNorm.bias", [h]);
        for (var l = 0; l < 12; l++)
        {
            var p = $"bert.encoder.layer.{l}.";
            foreach (var m in new[] { "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense" })
            {
                yield return (p + m + ".weight", [h, h]);
                yield return (p + m + ".bias", [h]);
            }

            yield return (p + "attention.output.LayerNorm.weight", [h]);
            yield return (p + "attention.output.LayerNorm.bias", [h]);
            yield return (p + "intermediate.dense.weight", [ff, h]);
            yield return (p + "intermediate.dense.bias", [ff]);
            yield return (p + "output.dense.weight", [h, ff]);
            yield return (p + "output.dense.bias", [h]);
            yield return (p + "output.LayerNorm.weight", [h]);
            yield return (p + "output.LayerNorm.bias", [h]);
        }

        yield return ("bert.pooler.dense.weight", [h, h]);
        yield return ("bert.pooler.dense.bias", [h]);
        yield return ("classifier.weight", [2, h]);
        yield return ("classifier.bias", [2]);
    }
}
