using BertFineTune.Config;

namespace BertFineTune.Tests.Config;

public class OverridesTests
{
    [Fact]
    public void Set_replaces_and_adds_values_with_yaml_typing()
    {
        var config = TestConfigs.Load(
            TestConfigs.Minimal,
            null,
            false,
            "hyperparameters.epochs=5",
            "training.split_ratio=[0.7, 0.3]",
            "loggings.report_to=[console]",
            "dataset[0].label_map={a: b}",
            "dataset[1].filepath=extra.csv").Config;

        Assert.Equal(5, config.Hyperparameters.Epochs);
        Assert.Equal([0.7, 0.3], config.Training.SplitRatio);
        Assert.Equal([ReportSink.Console], config.Loggings.ReportTo);
        Assert.Equal("b", config.Dataset[0].LabelMap!["a"]);
        Assert.Equal("extra.csv", config.Dataset[1].Filepath);
    }

    [Fact]
    public void Set_wins_over_the_file_and_is_validated_like_yaml()
    {
        var error = TestConfigs.Single(TestConfigs.Minimal + "\nhyperparameters:\n  batch_size: 8\n", ConfigErrorCodes.OutOfRange, "hyperparameters.batch_size=0");

        Assert.Equal("--set hyperparameters.batch_size", error.File);
        Assert.Null(error.Line);
        Assert.Equal("--set hyperparameters.batch_size: error BFT004: hyperparameters.batch_size: must be at least 1; found 0.", error.ToString());
    }

    [Fact]
    public void A_misspelt_set_key_names_the_argument_and_suggests()
    {
        var error = TestConfigs.Single(TestConfigs.Minimal, ConfigErrorCodes.UnknownKey, "hyperparameters.learning_rat=1e-4");

        Assert.Equal("--set hyperparameters.learning_rat", error.File);
        Assert.Contains("did you mean learning_rate?", error.Message);
    }

    [Fact]
    public void A_wrong_type_from_set_names_the_argument()
    {
        var error = TestConfigs.Single(TestConfigs.Minimal, ConfigErrorCodes.WrongType, "hyperparameters.epochs=three");

        Assert.Equal("--set hyperparameters.epochs", error.File);
    }

    [Theory]
    [InlineData("no-equals-sign")]
    [InlineData("hyper parameters.epochs=3")]
    [InlineData("dataset[5].filepath=a.csv")]
    [InlineData("dataset.inner=3")]
    public void A_malformed_set_argument_is_a_user_error(string argument)
    {
        var error = TestConfigs.Single(TestConfigs.Minimal, ConfigErrorCodes.BadOverride, argument);

        Assert.StartsWith("--set", error.ToString(), StringComparison.Ordinal);
    }
}
