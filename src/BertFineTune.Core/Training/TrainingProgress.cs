namespace BertFineTune.Training;

/// <summary>What a progress bar shows, reported after every optimizer step and at every epoch end.</summary>
/// <param name="Kind">Why this report was made.</param>
/// <param name="Epoch">Fractional epoch, as HF logs it (1.5 = half-way through the second epoch).</param>
/// <param name="GlobalStep">Optimizer steps done.</param>
/// <param name="MaxSteps">Optimizer steps the run will take.</param>
/// <param name="Loss">The loss of the last optimizer step (mean over its micro-batches); NaN in <see cref="TrainingProgressKind.EpochEnd"/> reports.</param>
/// <param name="LearningRate">The learning rate the next step will use.</param>
/// <param name="SamplesPerSecond">Training examples per second since this run started.</param>
/// <param name="TokensPerSecond">Real (non-pad) tokens per second since this run started.</param>
/// <param name="Eta">Estimated time to the last step, or null before the first step.</param>
public sealed record TrainingProgress(
    TrainingProgressKind Kind,
    double Epoch,
    long GlobalStep,
    long MaxSteps,
    double Loss,
    double LearningRate,
    double SamplesPerSecond,
    double TokensPerSecond,
    TimeSpan? Eta);

public enum TrainingProgressKind
{
    Step,
    EpochEnd,
}
