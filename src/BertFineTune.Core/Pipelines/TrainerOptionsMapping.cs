using BertFineTune.Config;
using BertFineTune.Training;
using TorchSharp;

namespace BertFineTune.Pipelines;

/// <summary>
/// The YAML config's training keys as <see cref="TrainerOptions"/> (HF <c>TrainingArguments</c>). The sections become
/// one flat record and values pass through as they are (the enums are the config's own); only four things are decided
/// here: the output folder's layout, the resume path relative to the config file, what <c>fp16: auto</c> means on this
/// machine, and whether CUDA is there to ask.
/// </summary>
public static class TrainerOptionsMapping
{
    /// <param name="loaded">The validated config.</param>
    /// <param name="resumeFromCheckpoint"><c>--resume</c>: a checkpoint folder or <c>latest</c>; overrides <c>training.resume_from_checkpoint</c>.</param>
    /// <param name="cudaAvailable">Whether CUDA is present (decides <c>fp16: auto</c>).</param>
    public static TrainerOptions ToTrainerOptions(this LoadedConfig loaded, string? resumeFromCheckpoint, bool cudaAvailable)
    {
        var config = loaded.Config;
        var h = config.Hyperparameters;
        var l = config.Loggings;
        var resume = resumeFromCheckpoint ?? config.Training.ResumeFromCheckpoint;
        return new TrainerOptions
        {
            OutputDir = OutputLayout.For(loaded).Root,
            Epochs = h.Epochs,
            BatchSize = h.BatchSize,
            EvalBatchSize = h.EvalBatchSize,
            LearningRate = h.LearningRate,
            WeightDecay = h.WeightDecay,
            WarmupSteps = h.WarmupSteps,
            WarmupRatio = h.WarmupRatio,
            LrSchedulerType = h.LrSchedulerType,
            GradientAccumulationSteps = h.GradientAccumulationSteps,
            Optim = h.Optim,
            MaxGradNorm = h.MaxGradNorm,
            LabelSmoothing = h.LabelSmoothing,
            ClassWeights = h.ClassWeights,
            Bf16 = h.Bf16,
            // fp16: auto means "where it helps": on a CUDA device. true on a CPU falls back to bf16 (the Trainer warns).
            Fp16 = h.Fp16 == Fp16Mode.True || (h.Fp16 == Fp16Mode.Auto && cudaAvailable && config.Training.Device != DeviceKind.Cpu),
            GroupByLength = h.GroupByLength,
            Unpadded = h.Unpadded,
            DataloaderNumWorkers = h.DataloaderNumWorkers,
            MaxLength = h.MaxLength,
            Seed = config.Seed,
            Threads = config.Training.Threads,
            Device = config.Training.Device,
            LoggingStrategy = l.LoggingStrategy,
            LoggingSteps = l.LoggingSteps,
            EvalStrategy = l.EvalStrategy,
            EvalSteps = l.EvalSteps,
            SaveStrategy = l.SaveStrategy,
            SaveSteps = l.SaveSteps,
            SaveTotalLimit = l.SaveTotalLimit,
            LoadBestModelAtEnd = l.LoadBestModelAtEnd,
            MetricForBestModel = l.MetricForBestModel,
            GreaterIsBetter = l.GreaterIsBetter,
            EarlyStoppingPatience = l.EarlyStoppingPatience,
            EarlyStoppingThreshold = l.EarlyStoppingThreshold,
            ResumeFromCheckpoint = resume is null or "latest" ? resume : loaded.ResolvePath(resume),
            MultiLabelThreshold = config.Training.MultiLabelThreshold,
            ReportTo = l.ReportTo,
        };
    }

    public static bool CudaAvailable() => torch.cuda.is_available();
}
