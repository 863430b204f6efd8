using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BertFineTune.Models.Layers;

/// <summary>
/// <c>nn.Linear</c> with Hugging Face parameter names (<c>weight</c> <c>[out, in]</c>, optional <c>bias</c>) that can run its
/// matmul in a lower precision. TorchSharp has no autocast, so with <see cref="ComputeType"/> = bfloat16 this layer does
/// what autocast does to <c>linear</c>: input, fp32 master weight and bias are cast to bf16 for the matmul and the result
/// stays bf16, so the next matmul (through GELU, or attention) needs no cast back and forth. Norms cast to fp32
/// (<see cref="HfLayerNorm"/>), residual sums promote to fp32, and the heads return fp32 logits. Gradients flow back
/// through the casts into the fp32 weights, so small optimizer updates are not lost.
/// </summary>
public sealed class MixedPrecisionLinear : nn.Module<Tensor, Tensor>
{
    public MixedPrecisionLinear(long inFeatures, long outFeatures, bool hasBias = true)
        : base(nameof(MixedPrecisionLinear))
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;

        // Uninitialised on purpose: checkpoint loading overwrites every value, and fresh heads get HF's init explicitly.
        weight = new Parameter(torch.empty(outFeatures, inFeatures));
        register_parameter(nameof(weight), weight);
        if (hasBias)
        {
            bias = new Parameter(torch.empty(outFeatures));
            register_parameter(nameof(bias), bias);
        }
    }

#pragma warning disable IDE1006, SA1300 // HF parameter names.
    public Parameter weight { get; }

    public Parameter? bias { get; }
#pragma warning restore IDE1006, SA1300

    public long InFeatures { get; }

    public long OutFeatures { get; }

    /// <summary>Null computes in the parameters' dtype (fp32); <c>ScalarType.BFloat16</c> computes the matmul in bf16 and returns bf16.</summary>
    public ScalarType? ComputeType { get; set; }

    /// <summary>
    /// Several layers over one input as one matmul: <c>[x·W₁ᵀ | x·W₂ᵀ | …]</c> with the weights concatenated along the output
    /// dimension (BERT's query/key/value as one <c>[3·hidden, hidden]</c> GEMM). The parameters stay separate, so names,
    /// checkpoints and optimizer groups are unchanged; gradients reach each through the concatenation.
    /// </summary>
    public static Tensor ForwardFused(IReadOnlyList<MixedPrecisionLinear> layers, Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var weight = torch.cat(layers.Select(l => (Tensor)l.weight).ToArray(), 0);
        var bias = layers.All(l => l.bias is not null) ? torch.cat(layers.Select(l => (Tensor)l.bias!).ToArray(), 0) : null;
        if (bias is null && layers.Any(l => l.bias is not null))
        {
            throw new ArgumentException("Fused layers must all have a bias or none.", nameof(layers));
        }

        return Linear(input, weight, bias, layers[0].ComputeType).MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor input) => Linear(input, weight, bias, ComputeType);

    private static Tensor Linear(Tensor input, Tensor weight, Tensor? bias, ScalarType? computeType)
    {
        if (computeType is not { } low || (low == input.dtype && low == weight.dtype))
        {
            return nn.functional.linear(input, weight, bias);
        }

        using var scope = torch.NewDisposeScope();
        return nn.functional.linear(input.to(low), weight.to(low), bias?.to(low)).MoveToOuterDisposeScope();
    }
}
