using BertFineTune.Config;

namespace BertFineTune.Training.Schedules;

/// <summary>
/// The LambdaLR schedules of transformers' <c>get_scheduler</c>. The optimizer step with index k (0-based) uses
/// <c>baseLr · Factor(k)</c>, so with warmup the very first step runs at learning rate 0, as in HF.
/// </summary>
public sealed record LearningRateSchedule(LrSchedulerType Type, double BaseLearningRate, long WarmupSteps, long TotalSteps)
{
    /// <summary>HF's <c>get_warmup_steps</c>: absolute steps win when above 0, else <c>ceil(total · ratio)</c>.</summary>
    public static long ResolveWarmupSteps(int warmupSteps, double warmupRatio, long totalSteps) =>
        warmupSteps > 0 ? warmupSteps : (long)Math.Ceiling(totalSteps * warmupRatio);

    public double LearningRate(long step) => BaseLearningRate * Factor(step);

    /// <summary>The multiplier λ(step).</summary>
    public double Factor(long step)
    {
        if (Type == LrSchedulerType.Constant)
        {
            return 1.0;
        }

        if (step < WarmupSteps)
        {
            return (double)step / Math.Max(1, WarmupSteps);
        }

        return Type switch
        {
            LrSchedulerType.ConstantWithWarmup => 1.0,
            LrSchedulerType.Linear =>
                Math.Max(0.0, (double)(TotalSteps - step) / Math.Max(1, TotalSteps - WarmupSteps)),
            LrSchedulerType.Cosine => CosineFactor(step),
            _ => throw new ArgumentOutOfRangeException(nameof(Type), Type, null),
        };
    }

    // num_cycles = 0.5: half a cosine wave from 1 down to 0.
    private double CosineFactor(long step)
    {
        var progress = (double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps);
        return Math.Max(0.0, 0.5 * (1.0 + Math.Cos(Math.PI * 0.5 * 2.0 * progress)));
    }
}
