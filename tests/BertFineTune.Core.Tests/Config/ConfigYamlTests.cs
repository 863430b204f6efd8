using BertFineTune.Config;
using BertFineTune.Tests.Support;

namespace BertFineTune.Tests.Config;

public class ConfigYamlTests
{
    [Fact]
    public async Task A_config_built_in_code_round_trips_through_yaml_to_the_same_settings()
    {
        var config = new BertFineTuneConfig
        {
            Seed = 7,
            Credentials = new CredentialsConfig { HuggingfaceToken = "hf_secretsecretsecret" },
            BaseModel = new BaseModelConfig { ModelId = "prajjwal1/bert-tiny" },
            Dataset =
            [
                new DatasetEntry { Filepath = "a.csv", TextColumn = "message", LabelColumn = "category" },
                new DatasetEntry { Filepath = "b.xlsx", TextColumn = "email_text", LabelColumn = "is_spam", Sheet = "Sheet 1", LabelMap = new Dictionary<string, string> { ["0"] = "ham", ["1"] = "spam" } },
            ],
            Training = new TrainingConfig { SplitRatio = [0.7, 0.2, 0.1], OutputDir = "out ${not a variable}", ProblemType = ProblemKind.MultiLabelClassification },
            Hyperparameters = new HyperparametersConfig { Epochs = 5, LearningRate = 3e-5, Fp16 = Fp16Mode.False, LrSchedulerType = LrSchedulerType.ConstantWithWarmup },
            Loggings = new LoggingsConfig { EvalStrategy = IntervalStrategy.Steps, EvalSteps = 50, SaveStrategy = IntervalStrategy.Steps, SaveSteps = 100, ReportTo = [ReportSink.Console, ReportSink.Tensorboard] },
        };
        Assert.Empty(config.Validate());

        var yaml = ConfigYaml.Serialize(config);
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.File("config.yaml"), yaml);
        var loaded = await new ConfigLoader(new ConfigLoaderOptions { Environment = _ => null, CudaAvailable = () => false })
            .LoadFileAsync(temp.File("config.yaml"), [], CancellationToken.None);

        Assert.DoesNotContain("hf_secret", yaml);
        Assert.DoesNotContain("effective", yaml, StringComparison.OrdinalIgnoreCase);
        var expected = (config with { Credentials = new CredentialsConfig() }).Describe();
        Assert.Equal(expected, loaded.Config.Describe());
        Assert.Equal("out ${not a variable}", loaded.Config.Training.OutputDir);
    }
}
