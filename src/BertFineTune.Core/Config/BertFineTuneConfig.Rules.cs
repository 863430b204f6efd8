using BertFineTune.Diagnostics;

namespace BertFineTune.Config;

/// <summary>Cross-field rules of the whole config (issue 2, item 8); the generated part checks single values.</summary>
public sealed partial record BertFineTuneConfig
{
    /// <summary>How far the split shares may be from summing to 1.</summary>
    public const double SplitSumTolerance = 1e-6;

    partial void ValidateRules(string path, List<UserError> errors)
    {
        if (Training is null || Loggings is null || Hyperparameters is null || Preprocessing is null)
        {
            return; // Reported as required by the generated checks.
        }

        CheckSplit(errors);
        CheckSteps(errors);
        CheckBestModel(errors);
        CheckMetric(errors);
        CheckPreprocessing(errors);
        CheckPrecision(errors);
    }

    /// <summary>The eval interval HF uses: <c>eval_steps</c>, or <c>logging_steps</c> when it is null.</summary>
    public int EffectiveEvalSteps => Loggings.EvalSteps ?? Loggings.LoggingSteps;

    /// <summary>The validation share of <c>split_ratio</c> (0 when absent).</summary>
    public double ValidationShare => Training.SplitRatio is { Count: >= 2 } split ? split[1] : 0;

    private void CheckSplit(List<UserError> errors)
    {
        var split = Training.SplitRatio;
        if (split is not { Count: 2 or 3 } || split.Any(s => s is < 0 or > 1 || !double.IsFinite(s)))
        {
            return; // Item count and range are the schema's errors (BFT007, BFT004).
        }

        var sum = split.Sum();
        if (Math.Abs(sum - 1) > SplitSumTolerance)
        {
            errors.Add(new UserError(
                ConfigErrorCodes.SplitRatio,
                $"the shares sum to {ConfigErrors.Text(Math.Round(sum, 9))}; they must sum to 1 (±1e-6), for example [0.8, 0.1, 0.1] for train/validation/test.",
                Key: "training.split_ratio"));
        }

        if (split[0] <= 0)
        {
            errors.Add(new UserError(ConfigErrorCodes.SplitShares, "the train share (first entry) must be greater than 0.", Key: "training.split_ratio[0]"));
        }

        var needsValidation = Loggings.EvalStrategy != IntervalStrategy.No || Loggings.LoadBestModelAtEnd;
        if (split[1] <= 0 && needsValidation)
        {
            var why = Loggings.EvalStrategy != IntervalStrategy.No ? $"eval_strategy is {Loggings.EvalStrategy.ToYaml()}" : "load_best_model_at_end is true";
            errors.Add(new UserError(
                ConfigErrorCodes.SplitShares,
                $"the validation share (second entry) is 0, but {why}, which needs a validation split; give it a share such as 0.1, or set loggings.eval_strategy: no and loggings.load_best_model_at_end: false.",
                Key: "training.split_ratio[1]"));
        }
    }

    private void CheckSteps(List<UserError> errors)
    {
        var l = Loggings;
        if (l.LoggingStrategy == IntervalStrategy.Steps && l.LoggingSteps <= 0)
        {
            errors.Add(StepsError("loggings.logging_steps", "logging_strategy", l.LoggingSteps));
        }

        if (l.EvalStrategy == IntervalStrategy.Steps && EffectiveEvalSteps <= 0)
        {
            errors.Add(StepsError(l.EvalSteps is null ? "loggings.logging_steps" : "loggings.eval_steps", "eval_strategy", EffectiveEvalSteps));
        }

        if (l.SaveStrategy == IntervalStrategy.Steps && l.SaveSteps <= 0)
        {
            errors.Add(StepsError("loggings.save_steps", "save_strategy", l.SaveSteps));
        }
    }

    private static UserError StepsError(string key, string strategy, int found) =>
        new(ConfigErrorCodes.StepsNotPositive, $"must be greater than 0 when {strategy} is steps; found {found}.", Key: key);

    private void CheckBestModel(List<UserError> errors)
    {
        var l = Loggings;
        if (!l.LoadBestModelAtEnd)
        {
            return;
        }

        if (l.EvalStrategy == IntervalStrategy.No)
        {
            errors.Add(new UserError(
                ConfigErrorCodes.BestModelStrategies,
                "load_best_model_at_end needs evaluations to compare; set eval_strategy to epoch or steps, or load_best_model_at_end: false.",
                Key: "loggings.eval_strategy"));
        }
        else if (l.SaveStrategy != l.EvalStrategy)
        {
            errors.Add(new UserError(
                ConfigErrorCodes.BestModelStrategies,
                $"load_best_model_at_end needs save_strategy to equal eval_strategy ({l.EvalStrategy.ToYaml()}); found {l.SaveStrategy.ToYaml()}.",
                Key: "loggings.save_strategy"));
        }
        else if (l.EvalStrategy == IntervalStrategy.Steps && EffectiveEvalSteps > 0 && l.SaveSteps > 0 && l.SaveSteps % EffectiveEvalSteps != 0)
        {
            errors.Add(new UserError(
                ConfigErrorCodes.BestModelSteps,
                $"with load_best_model_at_end and steps, save_steps ({l.SaveSteps}) must be a multiple of eval_steps ({EffectiveEvalSteps}) so every saved checkpoint has an evaluation.",
                Key: "loggings.save_steps"));
        }
    }

    private void CheckMetric(List<UserError> errors)
    {
        var metric = Loggings.MetricForBestModel;
        if (string.IsNullOrEmpty(metric) || ConfigMetrics.IsKnown(metric))
        {
            return;
        }

        var suggestion = EditDistance.Closest(ConfigMetrics.Normalize(metric), ConfigMetrics.Known);
        errors.Add(new UserError(
            ConfigErrorCodes.UnknownMetric,
            $"unknown metric '{metric}'; use one of {string.Join(", ", ConfigMetrics.Known)} (an eval_ prefix is allowed).{(suggestion is null ? string.Empty : $" Did you mean {suggestion}?")}",
            Key: "loggings.metric_for_best_model"));
    }

    private void CheckPreprocessing(List<UserError> errors)
    {
        if (Preprocessing.Normalization is { Enabled: true, Filepath: null })
        {
            errors.Add(new UserError(
                ConfigErrorCodes.NormalizationFile,
                "normalization is enabled but has no filepath; point it at a JSON dictionary file or set enabled: false.",
                Key: "preprocessing.normalization.filepath"));
        }
    }

    private void CheckPrecision(List<UserError> errors)
    {
        if (Hyperparameters.Fp16 == Fp16Mode.True && Hyperparameters.Bf16)
        {
            errors.Add(new UserError(
                ConfigErrorCodes.PrecisionConflict,
                "fp16: true and bf16: true cannot both be on; pick one (fp16: auto with bf16: true uses bf16).",
                Key: "hyperparameters.bf16"));
        }
    }
}
