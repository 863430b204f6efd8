using System.Text.Json;
using System.Text.Json.Nodes;

namespace BertFineTune.Training.Checkpoints;

/// <summary>
/// HF's <c>TrainerState</c>, written as <c>trainer_state.json</c> with the same keys (sorted, indent 2, as
/// transformers writes it), including the early-stopping counter under <c>stateful_callbacks</c>.
/// </summary>
public sealed class TrainerState
{
    public long GlobalStep { get; set; }

    public double Epoch { get; set; }

    public long MaxSteps { get; set; }

    public int NumTrainEpochs { get; set; }

    public int TrainBatchSize { get; set; }

    public int LoggingSteps { get; set; }

    public int EvalSteps { get; set; }

    public int SaveSteps { get; set; }

    public double? BestMetric { get; set; }

    public long? BestGlobalStep { get; set; }

    public string? BestModelCheckpoint { get; set; }

    public int EarlyStoppingPatienceCounter { get; set; }

    public long NumInputTokensSeen { get; set; }

    /// <summary>HF's <c>total_flos</c>: 6 × non-embedding parameters × input tokens (padding included), summed over training.</summary>
    public double TotalFlos { get; set; }

    public List<SortedDictionary<string, double>> LogHistory { get; } = [];

    public string ToJson()
    {
        var root = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["best_global_step"] = BestGlobalStep,
            ["best_metric"] = BestMetric,
            ["best_model_checkpoint"] = BestModelCheckpoint,
            ["epoch"] = Epoch,
            ["eval_steps"] = EvalSteps,
            ["global_step"] = GlobalStep,
            ["is_hyper_param_search"] = false,
            ["is_local_process_zero"] = true,
            ["is_world_process_zero"] = true,
            ["log_history"] = new JsonArray(LogHistory.Select(LogEntryNode).ToArray()),
            ["logging_steps"] = LoggingSteps,
            ["max_steps"] = MaxSteps,
            ["num_input_tokens_seen"] = NumInputTokensSeen,
            ["num_train_epochs"] = NumTrainEpochs,
            ["save_steps"] = SaveSteps,
            ["stateful_callbacks"] = new JsonObject
            {
                ["EarlyStoppingCallback"] = new JsonObject
                {
                    ["attributes"] = new JsonObject { ["early_stopping_patience_counter"] = EarlyStoppingPatienceCounter },
                },
            },
            ["total_flos"] = TotalFlos,
            ["train_batch_size"] = TrainBatchSize,
            ["trial_name"] = null,
            ["trial_params"] = null,
        };
        var obj = new JsonObject();
        foreach (var (k, v) in root)
        {
            obj[k] = v;
        }

        return obj.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    public static TrainerState FromJson(string json, string path)
    {
        try
        {
            var o = JsonNode.Parse(json)!.AsObject();
            var state = new TrainerState
            {
                GlobalStep = o["global_step"]!.GetValue<long>(),
                Epoch = o["epoch"]!.GetValue<double>(),
                MaxSteps = o["max_steps"]?.GetValue<long>() ?? 0,
                NumTrainEpochs = o["num_train_epochs"]?.GetValue<int>() ?? 0,
                TrainBatchSize = o["train_batch_size"]?.GetValue<int>() ?? 0,
                LoggingSteps = o["logging_steps"]?.GetValue<int>() ?? 0,
                EvalSteps = o["eval_steps"]?.GetValue<int>() ?? 0,
                SaveSteps = o["save_steps"]?.GetValue<int>() ?? 0,
                BestMetric = o["best_metric"]?.GetValue<double>(),
                BestGlobalStep = o["best_global_step"]?.GetValue<long>(),
                BestModelCheckpoint = o["best_model_checkpoint"]?.GetValue<string>(),
                NumInputTokensSeen = o["num_input_tokens_seen"]?.GetValue<long>() ?? 0,
                TotalFlos = o["total_flos"]?.GetValue<double>() ?? 0,
                EarlyStoppingPatienceCounter =
                    o["stateful_callbacks"]?["EarlyStoppingCallback"]?["attributes"]?["early_stopping_patience_counter"]?.GetValue<int>() ?? 0,
            };
            foreach (var entry in o["log_history"]?.AsArray() ?? [])
            {
                var dict = new SortedDictionary<string, double>(StringComparer.Ordinal);
                foreach (var (k, v) in entry!.AsObject())
                {
                    dict[k] = v!.GetValue<double>();
                }

                state.LogHistory.Add(dict);
            }

            return state;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            throw new Diagnostics.UserErrorException("BFT302", $"{path} is not a valid trainer_state.json ({ex.Message}). Resume from another checkpoint.", file: path);
        }
    }

    private static JsonNode LogEntryNode(SortedDictionary<string, double> entry)
    {
        var o = new JsonObject();
        foreach (var (k, v) in entry)
        {
            o[k] = k == "step" ? JsonValue.Create((long)v) : JsonValue.Create(v);
        }

        return o;
    }
}
