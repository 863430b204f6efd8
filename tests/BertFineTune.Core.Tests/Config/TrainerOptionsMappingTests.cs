using BertFineTune.Config;
using BertFineTune.Pipelines;

namespace BertFineTune.Tests.Config;

/// <summary>
/// The config's enums are the Trainer's (one vocabulary): what the YAML says reaches <c>TrainerOptions</c> as it is.
/// The mapping decides only what is not a copy: the output folder and resume path (relative to the config file) and
/// what <c>fp16: auto</c> means on this machine.
/// </summary>
public class TrainerOptionsMappingTests
{
    [Fact]
    public void Every_enum_setting_reaches_the_trainer_as_written()
    {
        // Each value differs from the config's default, and most from TrainerOptions' own default too.
        var loaded = TestConfigs.Load(TestConfigs.Minimal + """

            hyperparameters:
              lr_scheduler_type: constant_with_warmup
              optim: adamw_torch
              class_weights: balanced
            loggings:
              logging_strategy: epoch
              eval_strategy: steps
              eval_steps: 10
              save_strategy: steps
              save_steps: 20
              load_best_model_at_end: false
              report_to: [jsonl, tensorboard]
            training:
              device: cpu
            """);

        var options = loaded.ToTrainerOptions(resumeFromCheckpoint: null, cudaAvailable: false);

        Assert.Equal(LrSchedulerType.ConstantWithWarmup, options.LrSchedulerType);
        Assert.Equal(Optimizer.AdamwTorch, options.Optim);
        Assert.Equal(ClassWeighting.Balanced, options.ClassWeights);
        Assert.Equal(IntervalStrategy.Epoch, options.LoggingStrategy);
        Assert.Equal(IntervalStrategy.Steps, options.EvalStrategy);
        Assert.Equal(IntervalStrategy.Steps, options.SaveStrategy);
        Assert.Equal(DeviceKind.Cpu, options.Device);
        Assert.Equal([ReportSink.Jsonl, ReportSink.Tensorboard], options.ReportTo);
    }

    [Fact]
    public void Unset_keys_take_the_configs_defaults_not_the_trainers()
    {
        var options = TestConfigs.Load(TestConfigs.Minimal).ToTrainerOptions(resumeFromCheckpoint: null, cudaAvailable: false);

        // TrainerOptions alone defaults as HF's TrainingArguments: adamw_torch, eval_strategy no, report_to console.
        Assert.Equal(Optimizer.AdamwTorchFused, options.Optim);
        Assert.Equal(IntervalStrategy.Epoch, options.EvalStrategy);
        Assert.Equal([ReportSink.Console, ReportSink.Jsonl], options.ReportTo);
    }

    [Theory]
    [InlineData("auto", "auto", false, false)]
    [InlineData("auto", "auto", true, true)]
    [InlineData("auto", "cpu", true, false)]
    [InlineData("true", "cpu", false, true)] // the Trainer falls back to bf16 on a CPU and warns
    [InlineData("false", "auto", true, false)]
    public void Fp16_auto_means_a_cuda_device(string fp16, string device, bool cuda, bool expected)
    {
        var loaded = TestConfigs.Load(TestConfigs.Minimal, null, false, $"hyperparameters.fp16={fp16}", $"training.device={device}");

        Assert.Equal(expected, loaded.ToTrainerOptions(resumeFromCheckpoint: null, cudaAvailable: cuda).Fp16);
    }

    [Fact]
    public void Paths_are_relative_to_the_config_file_and_resume_overrides_the_config()
    {
        var loaded = TestConfigs.Load(TestConfigs.Minimal, null, false, "training.output_dir=runs/a", "training.resume_from_checkpoint=runs/a/checkpoint-4");

        var fromConfig = loaded.ToTrainerOptions(resumeFromCheckpoint: null, cudaAvailable: false);
        Assert.Equal(Path.GetFullPath("/base/runs/a"), fromConfig.OutputDir);
        Assert.Equal(Path.GetFullPath("/base/runs/a/checkpoint-4"), fromConfig.ResumeFromCheckpoint);
        Assert.Equal("latest", loaded.ToTrainerOptions(resumeFromCheckpoint: "latest", cudaAvailable: false).ResumeFromCheckpoint);
        Assert.Null(TestConfigs.Load(TestConfigs.Minimal).ToTrainerOptions(resumeFromCheckpoint: null, cudaAvailable: false).ResumeFromCheckpoint);
    }
}
