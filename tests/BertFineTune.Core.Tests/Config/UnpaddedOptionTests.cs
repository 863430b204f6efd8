using BertFineTune.Pipelines;

namespace BertFineTune.Tests.Config;

/// <summary><c>hyperparameters.unpadded</c> (default true) reaches the Trainer as <c>TrainerOptions.Unpadded</c>.</summary>
public class UnpaddedOptionTests
{
    [Fact]
    public void Unpadded_defaults_to_true_and_false_turns_it_off()
    {
        var byDefault = TestConfigs.Load(TestConfigs.Minimal);
        var off = TestConfigs.Load(TestConfigs.Minimal, null, false, "hyperparameters.unpadded=false");

        Assert.True(byDefault.Config.Hyperparameters.Unpadded);
        Assert.True(byDefault.ToTrainerOptions(resumeFromCheckpoint: null, cudaAvailable: false).Unpadded);
        Assert.False(off.ToTrainerOptions(resumeFromCheckpoint: null, cudaAvailable: false).Unpadded);
    }

    [Fact]
    public void A_non_boolean_is_a_type_error_on_the_key()
    {
        var error = TestConfigs.Single(TestConfigs.Minimal + "\nhyperparameters:\n  unpadded: maybe\n", "BFT003");

        Assert.Equal("hyperparameters.unpadded", error.Key);
    }
}
