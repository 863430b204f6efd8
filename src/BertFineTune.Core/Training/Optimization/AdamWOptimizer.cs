using BertFineTune.Config;
using BertFineTune.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Training.Optimization;

/// <summary>
/// torch.optim.AdamW (betas 0.9/0.999, eps 1e-8, decoupled weight decay applied before the Adam update, no amsgrad):
/// <c>p ← p·(1 − lr·wd)</c>; <c>m ← lerp(m, g, 1−β1)</c>; <c>v ← β2·v + (1−β2)·g²</c>;
/// <c>p ← p − lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + eps)</c>.
/// Create one with <see cref="Create"/>; the learning rate is passed to every <see cref="Step"/> so that the
/// schedule stays outside.
/// </summary>
public abstract class AdamWOptimizer : IDisposable
{
    public const double Beta1 = 0.9;
    public const double Beta2 = 0.999;
    public const double Epsilon = 1e-8;

    protected AdamWOptimizer(IReadOnlyList<ParameterGroup> groups)
    {
        Groups = groups;
    }

    public IReadOnlyList<ParameterGroup> Groups { get; }

    /// <summary>Optimizer steps taken (torch's per-parameter <c>step</c>, shared here).</summary>
    public long StepCount { get; protected set; }

    public abstract Optimizer Kind { get; }

    public static AdamWOptimizer Create(Optimizer kind, IReadOnlyList<ParameterGroup> groups) => kind switch
    {
        Optimizer.AdamwTorch => new PerParameterAdamW(groups),
        Optimizer.AdamwTorchFused => new FusedAdamW(groups),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>
    /// Counts one more step and returns its Adam constants, as torch computes them: the step size
    /// <c>lr / (1 − β1ᵗ)</c> and <c>√(1 − β2ᵗ)</c>, which divides <c>√v</c> before eps is added.
    /// </summary>
    protected (double StepSize, double BiasCorrection2Sqrt) BeginStep(double learningRate)
    {
        StepCount++;
        return (learningRate / (1 - Math.Pow(Beta1, StepCount)), Math.Sqrt(1 - Math.Pow(Beta2, StepCount)));
    }

    /// <summary>Sets every gradient to zero (in place, so fused gradient views stay in the flat buffer).</summary>
    public abstract void ZeroGrad();

    /// <summary>One AdamW update of every parameter that has a gradient, at learning rate <paramref name="learningRate"/>.</summary>
    public abstract void Step(double learningRate);

    /// <summary>
    /// torch's <c>clip_grad_norm_</c>: the total norm is the L2 norm of the per-parameter L2 norms; every gradient is
    /// multiplied by <c>min(1, maxNorm / (total + 1e-6))</c>. Returns the total norm before clipping.
    /// </summary>
    public abstract double ClipGradNorm(double maxNorm);

    /// <summary>Multiplies every gradient by <paramref name="factor"/> (loss-scaler unscaling).</summary>
    public abstract void ScaleGradients(double factor);

    /// <summary>True when every gradient is finite.</summary>
    public abstract bool GradientsAreFinite();

    /// <summary>The moments as <c>&lt;name&gt;.exp_avg</c> / <c>&lt;name&gt;.exp_avg_sq</c> (views; copy before keeping).</summary>
    public abstract IReadOnlyDictionary<string, Tensor> StateTensors();

    /// <summary>Restores what <see cref="StateTensors"/> returned, and the step count.</summary>
    public void LoadState(IReadOnlyDictionary<string, Tensor> state, long stepCount)
    {
        var expected = StateTensors();
        var missing = expected.Keys.Where(k => !state.ContainsKey(k)).ToList();
        if (missing.Count > 0)
        {
            throw new UserErrorException(
                "BFT304",
                $"The optimizer state of the checkpoint lacks {missing.Count} tensor(s), first '{missing[0]}'; it was written for another model. Resume from a checkpoint of this model or start afresh.");
        }

        using (torch.no_grad())
        {
            foreach (var (name, target) in expected)
            {
                target.copy_(state[name]);
            }
        }

        StepCount = stepCount;
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    protected static void RequireFloat32(NamedParameter p)
    {
        if (p.Parameter.dtype != ScalarType.Float32)
        {
            throw new InvalidOperationException($"AdamW keeps fp32 master weights; parameter '{p.Name}' is {p.Parameter.dtype}.");
        }
    }
}
