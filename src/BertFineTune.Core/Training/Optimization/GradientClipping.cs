using TorchSharp;
using TorchSharp.Modules;

namespace BertFineTune.Training.Optimization;

/// <summary>torch.nn.utils.clip_grad_norm_ (L2), usable on its own for one-step parity checks.</summary>
public static class GradientClipping
{
    /// <summary>
    /// total = ‖(‖g₁‖, ‖g₂‖, …)‖₂ over the parameters that have a gradient; every gradient is multiplied by
    /// <c>min(1, maxNorm / (total + 1e-6))</c>. Returns total (before clipping). maxNorm ≤ 0 only measures.
    /// </summary>
    public static double ClipGradNorm(IEnumerable<Parameter> parameters, double maxNorm)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var grads = parameters.Select(p => p.grad).Where(g => g is not null).Select(g => g!).ToList();
        if (grads.Count == 0)
        {
            return 0.0;
        }

        var total = torch.linalg.vector_norm(torch.stack(grads.Select(g => torch.linalg.vector_norm(g, 2.0)), 0), 2.0);
        if (maxNorm > 0)
        {
            var coef = (maxNorm / (total + 1e-6)).clamp_max(1.0);
            foreach (var g in grads)
            {
                g.mul_(coef);
            }
        }

        return total.item<float>();
    }
}
