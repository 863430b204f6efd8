using BertFineTune.Config;
using BertFineTune.Diagnostics;
using BertFineTune.Native;
using BertFineTune.Tests.Support;
using BertFineTune.Tests.Training.Support;
using BertFineTune.Training;
using BertFineTune.Training.Precision;
using TorchSharp;

namespace BertFineTune.Tests.Training;

public class OptionsAndPrecisionTests
{
    public OptionsAndPrecisionTests() => TorchNativeLoader.EnsureLoaded();

    [Fact]
    public async Task Tracked_runs_keep_the_tensorboard_files_as_their_offline_record()
    {
        using var dir = new TempDirectory();
        var trainer = new Trainer(
            SyntheticTask.Model(), SyntheticTask.Tokenizer(), TrainerHarness.Options(dir.Path) with { Epochs = 1, ReportTo = [ReportSink.Console, ReportSink.Wandb] });
        await trainer.TrainAsync(SyntheticTask.SingleLabel(16, 1));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(dir.Path, "logs", "tensorboard"), "events.out.tfevents*"));
    }

    [Fact]
    public void Inconsistent_options_are_all_reported_with_their_keys()
    {
        using var dir = new TempDirectory();
        var ex = Assert.Throws<UserErrorException>(() => new Trainer(
            SyntheticTask.Model(),
            SyntheticTask.Tokenizer(),
            TrainerHarness.Options(dir.Path) with
            {
                BatchSize = 0,
                LoadBestModelAtEnd = true,
                EvalStrategy = IntervalStrategy.Steps,
                EvalSteps = 3,
                SaveStrategy = IntervalStrategy.Steps,
                SaveSteps = 10,
                EarlyStoppingPatience = 0,
            }));
        Assert.Equal(
            ["hyperparameters.batch_size", "loggings.early_stopping_patience", "loggings.save_steps"],
            ex.Errors.Select(e => e.Key!).Order());
    }

    [Fact]
    public async Task Eval_strategy_without_validation_data_is_a_user_error()
    {
        using var dir = new TempDirectory();
        var ex = await Assert.ThrowsAsync<UserErrorException>(() =>
            TrainerHarness.Train(TrainerHarness.Options(dir.Path) with { EvalStrategy = IntervalStrategy.Epoch }, SyntheticTask.SingleLabel(16, 1)));
        Assert.Equal("loggings.eval_strategy", ex.Errors[0].Key);
    }

    [Fact]
    public async Task A_label_outside_the_model_is_a_user_error_naming_the_example()
    {
        using var dir = new TempDirectory();
        var train = SyntheticTask.SingleLabel(16, 1);
        train[5] = train[5] with { LabelId = 7 };
        var ex = await Assert.ThrowsAsync<UserErrorException>(() => TrainerHarness.Train(TrainerHarness.Options(dir.Path), train));
        Assert.Contains("train example 5 has label id 7", ex.Message);
    }

    [Fact]
    public void Cuda_on_a_cpu_only_machine_is_a_user_error_and_auto_picks_the_cpu()
    {
        Assert.Equal(DeviceType.CPU, DeviceResolver.Resolve(DeviceKind.Auto).type);
        if (!torch.cuda.is_available())
        {
            var ex = Assert.Throws<UserErrorException>(() => DeviceResolver.Resolve(DeviceKind.Cuda));
            Assert.Equal("training.device", ex.Errors[0].Key);
        }
    }

    [Fact]
    public void Fp16_on_a_cpu_falls_back_to_bf16_with_a_warning()
    {
        var plan = PrecisionPlan.Resolve(bf16: false, fp16: true, torch.CPU);
        Assert.Equal(torch.ScalarType.BFloat16, plan.LinearComputeType);
        Assert.False(plan.UsesLossScaling);
        Assert.Equal(Severity.Warning, plan.Warning!.Severity);
        Assert.Null(PrecisionPlan.Resolve(false, false, torch.CPU).LinearComputeType);
        Assert.True(PrecisionPlan.Resolve(false, true, new torch.Device(DeviceType.CUDA)).UsesLossScaling);
    }

    [Fact]
    public async Task Bf16_training_lands_close_to_fp32()
    {
        var train = SyntheticTask.SingleLabel(160, 61);
        var eval = SyntheticTask.SingleLabel(60, 62);
        async Task<(double Accuracy, double Loss, IReadOnlyList<Diagnostics.UserError> Warnings)> Run(bool fp16)
        {
            using var dir = new TempDirectory();
            var options = TrainerHarness.Options(dir.Path) with { Fp16 = fp16, EvalStrategy = IntervalStrategy.Epoch };
            var (result, _) = await TrainerHarness.Train(options, train, eval);
            var last = result.LogHistory.Last(e => e.ContainsKey("eval_accuracy"));
            return (last["eval_accuracy"], last["eval_loss"], result.Warnings);
        }

        var fp32 = await Run(false);
        var bf16 = await Run(true); // fp16 on CPU → bf16
        Assert.Equal("BFT306", Assert.Single(bf16.Warnings).Code);
        Assert.True(Math.Abs(fp32.Accuracy - bf16.Accuracy) <= 0.05, $"accuracy fp32 {fp32.Accuracy}, bf16 {bf16.Accuracy}");
        Assert.True(Math.Abs(fp32.Loss - bf16.Loss) <= 0.05, $"loss fp32 {fp32.Loss}, bf16 {bf16.Loss}");
    }

    [Fact]
    public void Loss_scaler_backs_off_on_overflow_and_grows_after_clean_steps()
    {
        var scaler = new DynamicLossScaler(initialScale: 1024, growthInterval: 3);
        Assert.False(scaler.Update(gradientsFinite: false));
        Assert.Equal(512, scaler.Scale);
        Assert.True(scaler.Update(true));
        Assert.True(scaler.Update(true));
        Assert.Equal(512, scaler.Scale);
        Assert.True(scaler.Update(true));
        Assert.Equal(1024, scaler.Scale);
        Assert.Equal(0, scaler.GrowthTracker);
    }
}
