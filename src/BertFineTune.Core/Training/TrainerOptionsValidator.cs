using BertFineTune.Config;
using BertFineTune.Diagnostics;

namespace BertFineTune.Training;

/// <summary>
/// Checks option combinations HF's <c>TrainingArguments.__post_init__</c> rejects, plus our own limits. Errors name the
/// setting by its config path (<c>loggings.eval_steps</c>, <c>training.threads</c>), so the YAML line can be found.
/// </summary>
internal static class TrainerOptionsValidator
{
    public static void Validate(TrainerOptions o)
    {
        var errors = new List<UserError>();

        void Require(bool ok, string code, string key, string message)
        {
            if (!ok)
            {
                errors.Add(new UserError(code, message, Key: key));
            }
        }

        Require(o.Epochs >= 1, "BFT310", "hyperparameters.epochs", $"epochs must be at least 1 (got {o.Epochs}).");
        Require(o.BatchSize >= 1, "BFT310", "hyperparameters.batch_size", $"batch_size must be at least 1 (got {o.BatchSize}).");
        Require(o.EvalBatchSize is null or >= 1, "BFT310", "hyperparameters.eval_batch_size", $"eval_batch_size must be at least 1 (got {o.EvalBatchSize}).");
        Require(o.LearningRate > 0, "BFT310", "hyperparameters.learning_rate", $"learning_rate must be above 0 (got {o.LearningRate}).");
        Require(o.WeightDecay >= 0, "BFT310", "hyperparameters.weight_decay", $"weight_decay must be 0 or more (got {o.WeightDecay}).");
        Require(o.WarmupSteps >= 0, "BFT310", "hyperparameters.warmup_steps", $"warmup_steps must be 0 or more (got {o.WarmupSteps}).");
        Require(o.WarmupRatio is >= 0 and <= 1, "BFT310", "hyperparameters.warmup_ratio", $"warmup_ratio must be between 0 and 1 (got {o.WarmupRatio}).");
        Require(o.GradientAccumulationSteps >= 1, "BFT310", "hyperparameters.gradient_accumulation_steps", $"gradient_accumulation_steps must be at least 1 (got {o.GradientAccumulationSteps}).");
        Require(o.LabelSmoothing is >= 0 and < 1, "BFT310", "hyperparameters.label_smoothing", $"label_smoothing must be in [0, 1) (got {o.LabelSmoothing}).");
        Require(o.MaxLength >= 2, "BFT310", "hyperparameters.max_length", $"max_length must be at least 2 (got {o.MaxLength}).");
        Require(o.DataloaderNumWorkers >= 0, "BFT310", "hyperparameters.dataloader_num_workers", $"dataloader_num_workers must be 0 or more (got {o.DataloaderNumWorkers}).");
        Require(o.Threads is null or >= 1, "BFT310", "training.threads", $"threads must be at least 1 (got {o.Threads}).");
        Require(o.MultiLabelThreshold is > 0 and < 1, "BFT310", "training.multi_label_threshold", $"multi_label_threshold must be between 0 and 1 (got {o.MultiLabelThreshold}).");
        Require(o.LoggingStrategy != IntervalStrategy.Steps || o.LoggingSteps > 0, "BFT310", "loggings.logging_steps", "logging_strategy: steps needs logging_steps above 0.");
        Require(o.EvalStrategy != IntervalStrategy.Steps || o.EffectiveEvalSteps > 0, "BFT310", "loggings.eval_steps", "eval_strategy: steps needs eval_steps above 0.");
        Require(o.SaveStrategy != IntervalStrategy.Steps || o.SaveSteps > 0, "BFT310", "loggings.save_steps", "save_strategy: steps needs save_steps above 0.");
        Require(o.EarlyStoppingPatience is null or >= 1, "BFT310", "loggings.early_stopping_patience", $"early_stopping_patience must be at least 1 (got {o.EarlyStoppingPatience}).");
        Require(o.EarlyStoppingThreshold >= 0, "BFT310", "loggings.early_stopping_threshold", $"early_stopping_threshold must be 0 or more (got {o.EarlyStoppingThreshold}).");

        if (o.LoadBestModelAtEnd)
        {
            Require(o.EvalStrategy != IntervalStrategy.No, "BFT312", "loggings.load_best_model_at_end", "load_best_model_at_end needs evaluations: set eval_strategy to steps or epoch.");
            Require(
                o.EvalStrategy == IntervalStrategy.No || o.SaveStrategy == o.EvalStrategy,
                "BFT312",
                "loggings.save_strategy",
                $"load_best_model_at_end needs save_strategy equal to eval_strategy (got save_strategy {o.SaveStrategy}, eval_strategy {o.EvalStrategy}), as in Hugging Face.");
            Require(
                !(o.EvalStrategy == IntervalStrategy.Steps && o.SaveStrategy == IntervalStrategy.Steps && o.EffectiveEvalSteps > 0 && o.SaveSteps % o.EffectiveEvalSteps != 0),
                "BFT312",
                "loggings.save_steps",
                $"load_best_model_at_end needs save_steps ({o.SaveSteps}) to be a multiple of eval_steps ({o.EffectiveEvalSteps}).");
        }

        if (o.EarlyStoppingPatience is not null)
        {
            Require(o.EvalStrategy != IntervalStrategy.No, "BFT312", "loggings.early_stopping_patience", "early stopping needs evaluations: set eval_strategy to steps or epoch.");
        }

        if (errors.Count > 0)
        {
            throw new UserErrorException(errors);
        }
    }
}
