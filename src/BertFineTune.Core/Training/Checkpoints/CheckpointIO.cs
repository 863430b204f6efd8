using System.Text.Json;
using System.Text.Json.Nodes;
using BertFineTune.Config;
using BertFineTune.Diagnostics;
using BertFineTune.Models;
using BertFineTune.Text.Tokenization;
using BertFineTune.Training.Optimization;
using BertFineTune.Training.Precision;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace BertFineTune.Training.Checkpoints;

/// <summary>What a checkpoint holds besides the model: optimizer, scheduler, RNG and loss-scaler state.</summary>
internal sealed record ResumeState(long SchedulerStep, byte[] TorchRngState, double? LossScale, int LossScaleGrowthTracker);

/// <summary>Writes and reads the files of one <c>checkpoint-N</c> folder.</summary>
internal static class CheckpointIO
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Write(
        string dir,
        SequenceClassificationModel model,
        ITextTokenizer tokenizer,
        AdamWOptimizer optimizer,
        Schedules.LearningRateSchedule schedule,
        long schedulerStep,
        int seed,
        DynamicLossScaler? scaler,
        TrainerState state)
    {
        model.SavePretrained(dir);
        tokenizer.Save(dir);

        using (var scope = torch.NewDisposeScope())
        {
            var tensors = optimizer.StateTensors().ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().contiguous());
            Safetensors.SaveStateDict(Path.Combine(dir, CheckpointFiles.OptimizerTensors), tensors);
        }

        var optimizerJson = new JsonObject
        {
            ["optim"] = optimizer.Kind.ToYaml(),
            ["step"] = optimizer.StepCount,
            ["betas"] = new JsonArray(AdamWOptimizer.Beta1, AdamWOptimizer.Beta2),
            ["eps"] = AdamWOptimizer.Epsilon,
            ["param_groups"] = new JsonArray(optimizer.Groups.Select(g => (JsonNode)new JsonObject
            {
                ["name"] = g.Name,
                ["weight_decay"] = g.WeightDecay,
                ["params"] = new JsonArray(g.Parameters.Select(p => (JsonNode)JsonValue.Create(p.Name)).ToArray()),
            }).ToArray()),
            ["loss_scale"] = scaler?.Scale,
            ["loss_scale_growth_tracker"] = scaler?.GrowthTracker,
        };
        WriteText(Path.Combine(dir, CheckpointFiles.OptimizerJson), optimizerJson.ToJsonString(Indented));

        var schedulerJson = new JsonObject
        {
            ["lr_scheduler_type"] = schedule.Type.ToYaml(),
            ["base_lr"] = schedule.BaseLearningRate,
            ["warmup_steps"] = schedule.WarmupSteps,
            ["total_steps"] = schedule.TotalSteps,
            ["last_epoch"] = schedulerStep,
            ["last_lr"] = schedule.LearningRate(schedulerStep),
        };
        WriteText(Path.Combine(dir, CheckpointFiles.SchedulerJson), schedulerJson.ToJsonString(Indented));

        using (var rng = torch.get_rng_state())
        {
            var rngJson = new JsonObject
            {
                ["torch_cpu"] = Convert.ToBase64String(rng.bytes.ToArray()),
                ["shuffle_seed"] = seed,
                ["shuffle_rule"] = "splitmix64(seed, epoch) Fisher-Yates per epoch",
            };
            WriteText(Path.Combine(dir, CheckpointFiles.RngState), rngJson.ToJsonString(Indented));
        }

        WriteText(Path.Combine(dir, CheckpointFiles.TrainerState), state.ToJson());
    }

    public static TrainerState ReadTrainerState(string dir)
    {
        var path = Path.Combine(dir, CheckpointFiles.TrainerState);
        return TrainerState.FromJson(File.ReadAllText(path), path);
    }

    /// <summary>Restores the optimizer moments and step, and returns scheduler/RNG/scaler state.</summary>
    public static ResumeState ReadInto(string dir, AdamWOptimizer optimizer)
    {
        try
        {
            var optimizerJson = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, CheckpointFiles.OptimizerJson)))!;
            var schedulerJson = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, CheckpointFiles.SchedulerJson)))!;
            var rngJson = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, CheckpointFiles.RngState)))!;
            var loaded = Safetensors.LoadStateDict(Path.Combine(dir, CheckpointFiles.OptimizerTensors));
            try
            {
                optimizer.LoadState(loaded, optimizerJson["step"]!.GetValue<long>());
            }
            finally
            {
                foreach (var t in loaded.Values)
                {
                    t.Dispose();
                }
            }

            return new ResumeState(
                schedulerJson["last_epoch"]!.GetValue<long>(),
                Convert.FromBase64String(rngJson["torch_cpu"]!.GetValue<string>()),
                optimizerJson["loss_scale"]?.GetValue<double>(),
                optimizerJson["loss_scale_growth_tracker"]?.GetValue<int>() ?? 0);
        }
        catch (Exception ex) when (ex is IOException or JsonException or NullReferenceException or InvalidOperationException or FormatException)
        {
            throw new UserErrorException("BFT304", $"The checkpoint {dir} is incomplete or damaged ({ex.Message}). Resume from another checkpoint.", file: dir);
        }
    }

    public static void RestoreTorchRng(byte[] state)
    {
        using var t = torch.tensor(state, ScalarType.Byte);
        torch.set_rng_state(t);
    }

    private static void WriteText(string path, string text) =>
        File.WriteAllText(path, text.EndsWith('\n') ? text : text + "\n");
}
