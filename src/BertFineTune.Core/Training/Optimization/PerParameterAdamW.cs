using BertFineTune.Config;
using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Training.Optimization;

/// <summary><c>adamw_torch</c>: torch.optim.AdamW's single-tensor loop, one parameter after the other.</summary>
public sealed class PerParameterAdamW : AdamWOptimizer
{
    private readonly Dictionary<string, (Tensor ExpAvg, Tensor ExpAvgSq)> _state = [];

    public PerParameterAdamW(IReadOnlyList<ParameterGroup> groups)
        : base(groups)
    {
        foreach (var p in groups.SelectMany(g => g.Parameters))
        {
            RequireFloat32(p);

            // torch creates the moments lazily at the first step; creating them now changes nothing numerically
            // and lets a checkpoint be restored before the first step.
            _state[p.Name] = (torch.zeros_like(p.Parameter).DetachFromDisposeScope(), torch.zeros_like(p.Parameter).DetachFromDisposeScope());
        }
    }

    public override Optimizer Kind => Optimizer.AdamwTorch;

    public override void ZeroGrad()
    {
        using var scope = torch.NewDisposeScope();
        foreach (var p in AllParameters())
        {
            p.Parameter.grad?.zero_();
        }
    }

    public override void Step(double learningRate)
    {
        var (stepSize, biasCorrection2Sqrt) = BeginStep(learningRate);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var lerpWeight = torch.tensor((float)(1 - Beta1)); // fp32, as torch turns the Python float weight into opmath (float)
        foreach (var group in Groups)
        {
            foreach (var p in group.Parameters)
            {
                var grad = p.Parameter.grad;
                if (grad is null)
                {
                    continue; // torch skips parameters without a gradient
                }

                var (expAvg, expAvgSq) = _state[p.Name];
                p.Parameter.mul_(1 - (learningRate * group.WeightDecay));
                expAvg.lerp_(grad, lerpWeight);
                expAvgSq.mul_(Beta2).addcmul_(grad, grad, 1 - Beta2);
                var denom = (expAvgSq.sqrt() / biasCorrection2Sqrt).add_(Epsilon);
                p.Parameter.addcdiv_(expAvg, denom, -stepSize);
            }
        }
    }

    public override double ClipGradNorm(double maxNorm) =>
        GradientClipping.ClipGradNorm(AllParameters().Select(p => p.Parameter), maxNorm);

    public override void ScaleGradients(double factor)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        foreach (var p in AllParameters())
        {
            p.Parameter.grad?.mul_(factor);
        }
    }

    public override bool GradientsAreFinite()
    {
        using var scope = torch.NewDisposeScope();
        return AllParameters().All(p => p.Parameter.grad is not { } g || torch.isfinite(g).all().item<bool>());
    }

    public override IReadOnlyDictionary<string, Tensor> StateTensors()
    {
        var result = new Dictionary<string, Tensor>();
        foreach (var (name, (expAvg, expAvgSq)) in _state)
        {
            result[name + ".exp_avg"] = expAvg;
            result[name + ".exp_avg_sq"] = expAvgSq;
        }

        return result;
    }

    protected override void Dispose(bool disposing)
    {
        foreach (var (expAvg, expAvgSq) in _state.Values)
        {
            expAvg.Dispose();
            expAvgSq.Dispose();
        }

        _state.Clear();
    }

    private IEnumerable<NamedParameter> AllParameters() => Groups.SelectMany(g => g.Parameters);
}
