using BenchmarkDotNet.Attributes;
using BertFineTune.Models.Layers;
using BertFineTune.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Benchmarks.Models;

/// <summary>
/// The attention core alone, SDPA against eager, at all-MiniLM-L6-v2's head shape (12 heads × 32) for batch 16 × 128
/// with half the rows a quarter padded, on one intra-op thread so that a busy machine disturbs it less.
/// Run: <c>dotnet run -c Release --project tests/BertFineTune.Benchmarks -- --filter *AttentionCoreBenchmarks*</c>.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 15)]
public class AttentionCoreBenchmarks
{
    private Tensor _q = null!;
    private Tensor _k = null!;
    private Tensor _v = null!;
    private Tensor _mask = null!;

    [Params(AttentionImplementation.Sdpa, AttentionImplementation.Eager)]
    public AttentionImplementation Attention { get; set; }

    [Params(0.0, 0.1)]
    public double Dropout { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        TorchNativeLoader.EnsureLoaded();
        torch.set_num_threads(1);
        torch.manual_seed(0);
        _q = torch.randn(16, 12, 128, 32).requires_grad_();
        _k = torch.randn(16, 12, 128, 32).requires_grad_();
        _v = torch.randn(16, 12, 128, 32).requires_grad_();
        var mask = torch.ones(16, 128, dtype: ScalarType.Int64);
        for (var row = 0; row < 16; row += 2)
        {
            mask[row, TensorIndex.Slice(96)] = torch.tensor(0L);
        }

        _mask = ScaledDotProductAttention.PaddingMask(mask);
    }

    [Benchmark]
    public float Forward()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return ScaledDotProductAttention.Compute(_q, _k, _v, _mask, Dropout, training: false, Attention).sum().item<float>();
    }

    [Benchmark]
    public float TrainForwardBackward()
    {
        using var scope = torch.NewDisposeScope();
        var output = ScaledDotProductAttention.Compute(_q, _k, _v, _mask, Dropout, training: true, Attention);
        output.sum().backward();
        _q.grad?.zero_();
        _k.grad?.zero_();
        _v.grad?.zero_();
        return output.mean().item<float>();
    }
}
