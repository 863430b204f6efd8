using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BertFineTune.Models.Layers;

/// <summary>
/// <c>nn.LayerNorm</c> over the last dimension with HF parameter names and an optional bias (ModernBERT's
/// <c>norm_bias: false</c> has no <c>bias</c> parameter, as in torch ≥ 2.1). Always computed in fp32: a bf16 input (from a bf16 Linear) is cast up first, as autocast runs <c>layer_norm</c> in fp32.
/// </summary>
public sealed class HfLayerNorm : nn.Module<Tensor, Tensor>
{
    private readonly long[] _shape;

    public HfLayerNorm(long size, double eps, bool hasBias = true)
        : base(nameof(HfLayerNorm))
    {
        _shape = [size];
        Eps = eps;
        weight = new Parameter(torch.ones(size));
        register_parameter(nameof(weight), weight);
        if (hasBias)
        {
            bias = new Parameter(torch.zeros(size));
            register_parameter(nameof(bias), bias);
        }
    }

#pragma warning disable IDE1006, SA1300 // HF parameter names.
    public Parameter weight { get; }

    public Parameter? bias { get; }
#pragma warning restore IDE1006, SA1300

    public double Eps { get; }

    public override Tensor forward(Tensor input)
    {
        if (input.dtype == weight.dtype)
        {
            return nn.functional.layer_norm(input, _shape, weight, bias, Eps);
        }

        using var wide = input.to(weight.dtype);
        return nn.functional.layer_norm(wide, _shape, weight, bias, Eps);
    }
}
