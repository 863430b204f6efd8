using BertFineTune.Config;
using BertFineTune.Training;
using BertFineTune.Training.Schedules;

namespace BertFineTune.Tests.Training;

public class ScheduleTests
{
    // Values from transformers' get_*_schedule_with_warmup lambdas, worked out by hand for total 100, warmup 10.
    [Theory]
    [InlineData(LrSchedulerType.Linear, 0, 0.0)]
    [InlineData(LrSchedulerType.Linear, 5, 0.5)]
    [InlineData(LrSchedulerType.Linear, 10, 1.0)]
    [InlineData(LrSchedulerType.Linear, 55, 0.5)]
    [InlineData(LrSchedulerType.Linear, 100, 0.0)]
    [InlineData(LrSchedulerType.Cosine, 5, 0.5)]
    [InlineData(LrSchedulerType.Cosine, 10, 1.0)]
    [InlineData(LrSchedulerType.Cosine, 55, 0.5)] // progress 0.5 → 0.5·(1+cos(π/2))
    [InlineData(LrSchedulerType.Cosine, 32.5, 0.8535533905932737)] // progress 0.25 → 0.5·(1+cos(π/4))
    [InlineData(LrSchedulerType.Cosine, 100, 0.0)]
    [InlineData(LrSchedulerType.Constant, 0, 1.0)]
    [InlineData(LrSchedulerType.Constant, 99, 1.0)]
    [InlineData(LrSchedulerType.ConstantWithWarmup, 0, 0.0)]
    [InlineData(LrSchedulerType.ConstantWithWarmup, 3, 0.3)]
    [InlineData(LrSchedulerType.ConstantWithWarmup, 50, 1.0)]
    public void Factors_match_hf_formulas(LrSchedulerType type, double step, double expected)
    {
        var schedule = new LearningRateSchedule(type, 2e-5, 10, 100);
        if (step % 1 != 0)
        {
            // 32.5 is not a step; check the cosine at an integer step with progress 0.25 on a 10 + 40 schedule.
            schedule = new LearningRateSchedule(type, 2e-5, 10, 50);
            step = 20;
        }

        Assert.Equal(expected, schedule.Factor((long)step), 12);
        Assert.Equal(2e-5 * expected, schedule.LearningRate((long)step), 15);
    }

    [Fact]
    public void Warmup_steps_win_over_ratio_and_ratio_rounds_up()
    {
        Assert.Equal(7, LearningRateSchedule.ResolveWarmupSteps(7, 0.5, 100));
        Assert.Equal(11, LearningRateSchedule.ResolveWarmupSteps(0, 0.101, 100)); // ceil(10.1)
        Assert.Equal(0, LearningRateSchedule.ResolveWarmupSteps(0, 0.0, 100));
    }
}
