using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Models.Layers;

/// <summary>
/// torch.nn.init's normal and truncated normal, drawing from an explicit generator. TorchSharp 0.107's
/// <c>nn.init.normal_</c> ignores its generator argument and its <c>trunc_normal_</c> fills constants, so both are done here.
/// </summary>
public static class Initializers
{
    /// <summary>N(0, std²); <paramref name="generator"/> null uses torch's default generator.</summary>
    public static void Normal(Tensor tensor, double std, Generator? generator)
    {
        using var noGrad = torch.no_grad();
        tensor.normal_(0.0, std, generator);
    }

    /// <summary>
    /// N(0, std²) truncated to [a, b], by torch's method: uniform in [Φ(a), Φ(b)] mapped back through erfinv, then clamped.
    /// </summary>
    public static void TruncatedNormal(Tensor tensor, double std, double a, double b, Generator? generator)
    {
        using var noGrad = torch.no_grad();
        static double Cdf(double x) => (1.0 + Erf(x / Math.Sqrt(2.0))) / 2.0;
        var low = Cdf(a / std);
        var high = Cdf(b / std);
        tensor.uniform_((2 * low) - 1, (2 * high) - 1, generator);
        tensor.erfinv_().mul_(std * Math.Sqrt(2.0)).clamp_(a, b);
    }

    // .NET has no Math.Erf; LibTorch computes it in float64.
    private static double Erf(double x)
    {
        using var t = torch.tensor(x, ScalarType.Float64);
        return t.erf().item<double>();
    }
}
