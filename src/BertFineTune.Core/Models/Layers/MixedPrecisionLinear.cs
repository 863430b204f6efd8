using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BertFineTune.Models.Layers;

/// <summary>
/// <c>nn.Linear</c> with Hugging Face parameter names (<c>weight</c> <c>[out, in]</c>, optional <c>bias</c>) that can run its
/// matmul in a lower precision. TorchSharp has no autocast, so with <see cref="ComputeType"/> = bfloat16 the input and
/// the fp32 master weight are cast to bf16 for the matmul only and the result comes back as fp32; the bias is added in
/// fp32. Gradients flow back through the casts into the fp32 weight, so small optimizer updates are not lost.
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

    /// <summary>Null computes in the parameters' dtype (fp32); <c>ScalarType.BFloat16</c> computes the matmul in bf16.</summary>
    public ScalarType? ComputeType { get; set; }

    public override Tensor forward(Tensor input)
    {
        if (ComputeType is not { } low || low == input.dtype && low == weight.dtype)
        {
            return nn.functional.linear(input, weight, bias);
        }

        using var scope = torch.NewDisposeScope();
        var product = nn.functional.linear(input.to(low), weight.to(low)).to(input.dtype);
        var result = bias is null ? product : product.add_(bias);
        return result.MoveToOuterDisposeScope();
    }
}
