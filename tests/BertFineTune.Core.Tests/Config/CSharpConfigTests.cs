using BertFineTune.Config;

namespace BertFineTune.Tests.Config;

/// <summary>The same config built in C# (the original's "Python dictionary in a notebook") validates the same way.</summary>
public class CSharpConfigTests
{
    [Fact]
    public void A_config_built_in_csharp_is_valid_and_equal_in_meaning_to_the_yaml()
    {
        var config = new BertFineTuneConfig
        {
            Hyperparameters = new() { Epochs = 3, LearningRate = 2e-5, Optim = Optimizer.AdamwTorch },
            Dataset = [new DatasetEntry { Filepath = "data.csv", TextColumn = "review", LabelMap = new Dictionary<string, string> { ["0"] = "neg" } }],
            Loggings = new() { ReportTo = [ReportSink.Console, ReportSink.Tensorboard] },
        };

        Assert.Empty(config.Validate());
        var fromYaml = TestConfigs.Load("""
            dataset:
              - filepath: data.csv
                text_column: review
                label_map: {"0": neg}
            hyperparameters:
              epochs: 3
              learning_rate: 2e-5
              optim: adamw_torch
            loggings:
              report_to: [console, tensorboard]
            """).Config;
        Assert.Equal(
            fromYaml.Describe().Select(s => (s.Key, s.Value)),
            config.Describe().Select(s => (s.Key, s.Value)));
    }

    [Fact]
    public void A_config_built_in_csharp_reports_the_same_errors_as_yaml()
    {
        var config = new BertFineTuneConfig
        {
            Hyperparameters = new() { Epochs = 0, BatchSize = -4 },
            Training = new() { SplitRatio = [0.8, 0.2, 0.2] },
            Dataset = [],
            Loggings = new() { MetricForBestModel = "f2" },
        };

        var errors = config.Validate();

        Assert.Equal(
            ["dataset", "hyperparameters.batch_size", "hyperparameters.epochs", "loggings.metric_for_best_model", "training.split_ratio"],
            errors.Select(e => e.Key!).Order(StringComparer.Ordinal));
        Assert.All(errors, e => Assert.Null(e.File));
    }

    [Fact]
    public void A_required_value_set_to_null_in_csharp_is_reported()
    {
        var config = new BertFineTuneConfig { Dataset = [new DatasetEntry { Filepath = null! }], BaseModel = null! };

        var errors = config.Validate();

        Assert.Contains(errors, e => e.Key == "dataset[0].filepath" && e.Code == ConfigErrorCodes.Required);
        Assert.Contains(errors, e => e.Key == "base_model" && e.Code == ConfigErrorCodes.Required);
    }

    [Fact]
    public void Enums_map_to_and_from_their_yaml_spelling()
    {
        Assert.Equal("adamw_torch_fused", Optimizer.AdamwTorchFused.ToYaml());
        Assert.True(LrSchedulerTypeYaml.TryParse("constant_with_warmup", out var schedule));
        Assert.Equal(LrSchedulerType.ConstantWithWarmup, schedule);
        Assert.Equal(["auto", "true", "false"], Fp16ModeYaml.Values);
        Assert.False(DeviceKindYaml.TryParse("gpu", out _));
        foreach (var kind in Enum.GetValues<ProblemKind>())
        {
            Assert.True(ProblemKindYaml.TryParse(kind.ToYaml(), out var back));
            Assert.Equal(kind, back);
        }
    }

    [Fact]
    public void An_undefined_enum_value_set_in_csharp_is_reported()
    {
        var config = new BertFineTuneConfig { Dataset = [new DatasetEntry { Filepath = "a.csv" }], Training = new() { Device = (DeviceKind)42 } };

        var error = Assert.Single(config.Validate());

        Assert.Equal(("training.device", ConfigErrorCodes.NotInEnum), (error.Key, error.Code));
    }
}
