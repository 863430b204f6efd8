using System.Text.Json;
using System.Text.Json.Nodes;
using BertFineTune.IO;

namespace BertFineTune.Training.Checkpoints;

/// <summary>
/// <c>checkpoint-N/run_state.json</c>: what a resumed run needs that HF's <c>trainer_state.json</c> has no key for
/// (that file keeps HF's keys only, so transformers can still read it): the id of the run that wrote the checkpoint,
/// and the sum of every optimizer step's loss so far, so <c>train_loss</c> is the mean over the whole run however
/// often it was resumed.
/// </summary>
/// <param name="RunId">The run that wrote the checkpoint; runs never resume or prune each other's checkpoints.</param>
/// <param name="TotalLoss">Sum of the training loss of every optimizer step up to the checkpoint.</param>
/// <param name="TotalLossSteps">How many steps <paramref name="TotalLoss"/> sums (the global step for runs that began with run_state.json).</param>
public sealed record RunState(string RunId, double TotalLoss, long TotalLossSteps)
{
    public const string FileName = "run_state.json";

    public void Write(string checkpointDir)
    {
        var json = new JsonObject
        {
            ["run_id"] = RunId,
            // Round-trip precision: a resumed run's train_loss must equal an uninterrupted run's to the last bit.
            ["total_loss"] = TotalLoss,
            ["total_loss_steps"] = TotalLossSteps,
        };
        AtomicFile.WriteAllText(Path.Combine(checkpointDir, FileName), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>The checkpoint's run state, or null for a checkpoint written before run ids existed (or a damaged file).</summary>
    public static RunState? TryRead(string checkpointDir)
    {
        var path = Path.Combine(checkpointDir, FileName);
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            var o = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            return new RunState(o["run_id"]!.GetValue<string>(), o["total_loss"]!.GetValue<double>(), o["total_loss_steps"]!.GetValue<long>());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            return null;
        }
    }
}
