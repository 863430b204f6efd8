using BertFineTune.Config;

namespace BertFineTune.Tests.Config;

public class InterpolationTests
{
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["DATA_DIR"] = "/data",
        ["EPOCHS"] = "7",
        ["EMPTY"] = string.Empty,
    };

    [Fact]
    public void Variables_are_replaced_inside_values()
    {
        var config = TestConfigs.Load("dataset:\n  - filepath: ${DATA_DIR}/train.csv\n", Environment).Config;

        Assert.Equal("/data/train.csv", config.Dataset[0].Filepath);
    }

    [Fact]
    public void An_interpolated_plain_value_is_typed_like_the_literal()
    {
        var config = TestConfigs.Load(TestConfigs.Minimal + "\nhyperparameters:\n  epochs: ${EPOCHS}\n", Environment).Config;

        Assert.Equal(7, config.Hyperparameters.Epochs);
    }

    [Fact]
    public void The_default_is_used_when_the_variable_is_unset_or_empty()
    {
        var config = TestConfigs.Load("dataset:\n  - filepath: ${MISSING:-a.csv}\n    text_column: ${EMPTY:-body}\n", Environment).Config;

        Assert.Equal("a.csv", config.Dataset[0].Filepath);
        Assert.Equal("body", config.Dataset[0].TextColumn);
    }

    [Fact]
    public void An_unset_variable_without_default_is_an_error_at_its_line()
    {
        var error = TestConfigs.Single(TestConfigs.Minimal + "\nbase_model:\n  model_id: ${MODEL_ID}\n", ConfigErrorCodes.UndefinedVariable);

        Assert.Equal((4, 13), (error.Line, error.Column));
        Assert.Contains("MODEL_ID is not set", error.Message);
    }

    [Fact]
    public void A_doubled_dollar_escapes_the_reference()
    {
        var config = TestConfigs.Load("dataset:\n  - filepath: \"$${DATA_DIR}.csv\"\n", Environment).Config;

        Assert.Equal("${DATA_DIR}.csv", config.Dataset[0].Filepath);
    }
}
