using BertFineTune.Config;

namespace BertFineTune.Tests.Config;

/// <summary>One test per cross-field rule of issue 2, item 8, through the real loader (so each error has its line).</summary>
public class CrossFieldRulesTests
{
    private static string With(string sections) => TestConfigs.Minimal + "\n" + sections;

    [Theory]
    [InlineData("[0.5, 0.2, 0.2]", "0.9")]
    [InlineData("[0.8, 0.2, 0.2]", "1.2")]
    [InlineData("[0.9, 0.2]", "1.1")]
    public void Split_ratio_must_sum_to_one(string split, string sum)
    {
        var error = TestConfigs.Single(With($"training:\n  split_ratio: {split}\n"), ConfigErrorCodes.SplitRatio);

        Assert.Contains($"sum to {sum}", error.Message);
        Assert.Equal((4, 16), (error.Line, error.Column));
    }

    [Fact]
    public void Split_ratio_within_the_tolerance_is_fine()
    {
        var config = TestConfigs.Load(With("training:\n  split_ratio: [0.7, 0.2, 0.1000000001]\n")).Config;

        Assert.Equal(3, config.Training.SplitRatio.Count);
    }

    [Theory]
    [InlineData("[1.0]", ConfigErrorCodes.ItemCount)]
    [InlineData("[0.5, 0.2, 0.2, 0.1]", ConfigErrorCodes.ItemCount)]
    [InlineData("[1.5, -0.5]", ConfigErrorCodes.OutOfRange)]
    public void Split_ratio_has_two_or_three_entries_each_in_zero_to_one(string split, string code)
    {
        var errors = TestConfigs.Errors(With($"training:\n  split_ratio: {split}\n"));

        Assert.All(errors, e => Assert.Equal(code, e.Code));
        Assert.DoesNotContain(errors, e => e.Code == ConfigErrorCodes.SplitRatio);
    }

    [Fact]
    public void The_train_share_must_be_positive()
    {
        var error = TestConfigs.Single(
            With("training:\n  split_ratio: [0.0, 1.0]\n"),
            ConfigErrorCodes.SplitShares);

        Assert.Equal("training.split_ratio[0]", error.Key);
        Assert.Equal(4, error.Line);
    }

    [Fact]
    public void The_validation_share_must_be_positive_when_evaluating()
    {
        var error = TestConfigs.Single(With("training:\n  split_ratio: [0.9, 0.0, 0.1]\n"), ConfigErrorCodes.SplitShares);

        Assert.Equal("training.split_ratio[1]", error.Key);
        Assert.Contains("eval_strategy is epoch", error.Message);
    }

    [Fact]
    public void The_validation_share_must_be_positive_for_load_best_model_even_without_evaluation()
    {
        var errors = TestConfigs.Errors(With("training:\n  split_ratio: [1.0, 0.0]\nloggings:\n  eval_strategy: no\n  save_strategy: no\n"));

        Assert.Contains(errors, e => e.Code == ConfigErrorCodes.SplitShares && e.Message.Contains("load_best_model_at_end is true"));
    }

    [Fact]
    public void No_validation_share_is_fine_without_evaluation_or_best_model()
    {
        var config = TestConfigs.Load(With("training:\n  split_ratio: [1.0, 0.0]\nloggings:\n  eval_strategy: no\n  load_best_model_at_end: false\n")).Config;

        Assert.Equal(IntervalStrategy.No, config.Loggings.EvalStrategy);
    }

    [Fact]
    public void Load_best_model_needs_matching_save_and_eval_strategies()
    {
        var error = TestConfigs.Single(With("loggings:\n  eval_strategy: epoch\n  save_strategy: steps\n"), ConfigErrorCodes.BestModelStrategies);

        Assert.Equal("loggings.save_strategy", error.Key);
        Assert.Equal(5, error.Line);
    }

    [Fact]
    public void Load_best_model_with_steps_needs_save_steps_a_multiple_of_eval_steps()
    {
        var error = TestConfigs.Single(
            With("loggings:\n  eval_strategy: steps\n  save_strategy: steps\n  eval_steps: 30\n  save_steps: 100\n"),
            ConfigErrorCodes.BestModelSteps);

        Assert.Equal("loggings.save_steps", error.Key);
        Assert.Contains("multiple of eval_steps (30)", error.Message);
        Assert.Equal(7, error.Line);
    }

    [Fact]
    public void Save_steps_a_multiple_of_eval_steps_is_fine()
    {
        var config = TestConfigs.Load(With("loggings:\n  eval_strategy: steps\n  save_strategy: steps\n  eval_steps: 50\n  save_steps: 100\n")).Config;

        Assert.Equal(50, config.EffectiveEvalSteps);
    }

    [Theory]
    [InlineData("f1")]
    [InlineData("eval_f1_macro")]
    [InlineData("loss")]
    [InlineData("eval_accuracy")]
    public void Known_metrics_are_accepted(string metric)
    {
        var config = TestConfigs.Load(With($"loggings:\n  metric_for_best_model: {metric}\n")).Config;

        Assert.Equal(metric, config.Loggings.MetricForBestModel);
    }

    [Fact]
    public void An_unknown_metric_is_an_error_with_a_suggestion()
    {
        var error = TestConfigs.Single(With("loggings:\n  metric_for_best_model: f1_marco\n"), ConfigErrorCodes.UnknownMetric);

        Assert.Contains("Did you mean f1_macro?", error.Message);
        Assert.Equal(4, error.Line);
    }

    [Theory]
    [InlineData("logging_strategy: steps\n  logging_steps: 0", "loggings.logging_steps")]
    [InlineData("eval_strategy: steps\n  save_strategy: steps\n  eval_steps: 0", "loggings.eval_steps")]
    [InlineData("save_strategy: steps\n  load_best_model_at_end: false\n  save_steps: 0", "loggings.save_steps")]
    public void Steps_must_be_positive_when_the_strategy_is_steps(string loggings, string key)
    {
        var error = TestConfigs.Single(With($"loggings:\n  {loggings}\n"), ConfigErrorCodes.StepsNotPositive);

        Assert.Equal(key, error.Key);
    }

    [Fact]
    public void Zero_steps_are_fine_when_the_strategy_is_not_steps()
    {
        var config = TestConfigs.Load(With("loggings:\n  logging_strategy: epoch\n  logging_steps: 0\n")).Config;

        Assert.Equal(0, config.Loggings.LoggingSteps);
    }

    [Fact]
    public void At_least_one_dataset_entry_is_required()
    {
        var error = TestConfigs.Single("dataset: []\n", ConfigErrorCodes.ItemCount);

        Assert.Equal("dataset", error.Key);
        Assert.Equal((1, 10), (error.Line, error.Column));
    }

    [Fact]
    public void Fp16_on_a_machine_without_cuda_is_a_warning_not_an_error()
    {
        var loaded = TestConfigs.Load(With("hyperparameters:\n  fp16: true\n"), cuda: false);

        var warning = Assert.Single(loaded.Warnings);
        Assert.Equal(ConfigErrorCodes.Fp16WithoutCuda, warning.Code);
        Assert.Equal(BertFineTune.Diagnostics.Severity.Warning, warning.Severity);
        Assert.Equal(4, warning.Line);
        Assert.Empty(TestConfigs.Load(With("hyperparameters:\n  fp16: true\n"), cuda: true).Warnings);
        Assert.Empty(TestConfigs.Load(With("hyperparameters:\n  fp16: auto\n"), cuda: false).Warnings);
    }

    [Fact]
    public void Normalization_enabled_needs_a_file()
    {
        var error = TestConfigs.Single(With("preprocessing:\n  normalization:\n    enabled: true\n"), ConfigErrorCodes.NormalizationFile);

        Assert.Equal("preprocessing.normalization.filepath", error.Key);
    }

    [Fact]
    public void Fp16_and_bf16_together_are_an_error()
    {
        var error = TestConfigs.Single(With("hyperparameters:\n  fp16: true\n  bf16: true\n"), ConfigErrorCodes.PrecisionConflict);

        Assert.Equal("hyperparameters.bf16", error.Key);
    }
}
