using BertFineTune.Config;

namespace BertFineTune.Training.Strategies;

/// <summary>HF's <c>TrainerControl</c>: what to do after the current step or epoch.</summary>
internal sealed class TrainerControl
{
    public bool ShouldLog { get; set; }

    public bool ShouldEvaluate { get; set; }

    public bool ShouldSave { get; set; }

    public bool ShouldTrainingStop { get; set; }

    public void ResetStepFlags()
    {
        ShouldLog = false;
        ShouldEvaluate = false;
        ShouldSave = false;
    }
}

/// <summary>HF's <c>DefaultFlowCallback</c> (v4.57): when to log, evaluate and save.</summary>
internal static class DefaultFlow
{
    public static void OnStepEnd(TrainerOptions o, long globalStep, long maxSteps, TrainerControl c)
    {
        if (globalStep == 1 && o.LoggingFirstStep)
        {
            c.ShouldLog = true;
        }

        if (o.LoggingStrategy == IntervalStrategy.Steps && o.LoggingSteps > 0 && globalStep % o.LoggingSteps == 0)
        {
            c.ShouldLog = true;
        }

        if (o.EvalStrategy == IntervalStrategy.Steps && o.EffectiveEvalSteps > 0 && globalStep % o.EffectiveEvalSteps == 0)
        {
            c.ShouldEvaluate = true;
        }

        if (o.SaveStrategy == IntervalStrategy.Steps && o.SaveSteps > 0 && globalStep % o.SaveSteps == 0)
        {
            c.ShouldSave = true;
        }

        if (globalStep >= maxSteps)
        {
            c.ShouldTrainingStop = true;

            // HF saves at the very end whenever saving is on, so the last state can always be resumed. With the epoch
            // strategy the last step is also the end of the last epoch, whose save follows at once (HF writes the same
            // folder twice there; once is enough).
            if (o.SaveStrategy == IntervalStrategy.Steps)
            {
                c.ShouldSave = true;
            }
        }
    }

    public static void OnEpochEnd(TrainerOptions o, TrainerControl c)
    {
        if (o.LoggingStrategy == IntervalStrategy.Epoch)
        {
            c.ShouldLog = true;
        }

        if (o.EvalStrategy == IntervalStrategy.Epoch)
        {
            c.ShouldEvaluate = true;
        }

        if (o.SaveStrategy == IntervalStrategy.Epoch)
        {
            c.ShouldSave = true;
        }
    }
}
