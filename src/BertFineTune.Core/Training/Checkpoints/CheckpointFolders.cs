using System.Globalization;
using BertFineTune.Diagnostics;

namespace BertFineTune.Training.Checkpoints;

/// <summary><c>checkpoint-&lt;global_step&gt;</c> folders: naming, listing, the latest, and HF's rotation.</summary>
public static class CheckpointFolders
{
    public const string Prefix = "checkpoint-";

    public static string PathFor(string outputDir, long globalStep) =>
        Path.Combine(outputDir, Prefix + globalStep.ToString(CultureInfo.InvariantCulture));

    /// <summary>Complete checkpoints (those with trainer_state.json), oldest step first.</summary>
    public static IReadOnlyList<string> Sorted(string outputDir)
    {
        if (!Directory.Exists(outputDir))
        {
            return [];
        }

        return Directory.GetDirectories(outputDir, Prefix + "*")
            .Select(d => (Dir: d, Step: StepOf(d)))
            .Where(x => x.Step is not null && File.Exists(Path.Combine(x.Dir, CheckpointFiles.TrainerState)))
            .OrderBy(x => x.Step)
            .Select(x => Path.GetFullPath(x.Dir))
            .ToList();
    }

    public static long? StepOf(string dir)
    {
        var name = Path.GetFileName(dir.TrimEnd(Path.DirectorySeparatorChar));
        return name.StartsWith(Prefix, StringComparison.Ordinal) &&
               long.TryParse(name.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var step)
            ? step
            : null;
    }

    /// <summary><c>resume_from_checkpoint</c>: <c>latest</c> (or <c>true</c>) means the newest checkpoint in the output folder.</summary>
    public static string ResolveResume(string outputDir, string resume)
    {
        if (resume.Equals("latest", StringComparison.OrdinalIgnoreCase) || resume.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            var all = Sorted(outputDir);
            return all.Count > 0
                ? all[^1]
                : throw new UserErrorException(
                    "BFT303",
                    $"resume_from_checkpoint: latest found no checkpoint-<step> folder with a trainer_state.json in {outputDir}. Train without resume first, or name a checkpoint folder.",
                    key: "training.resume_from_checkpoint");
        }

        var full = Path.GetFullPath(resume);
        return File.Exists(Path.Combine(full, CheckpointFiles.TrainerState))
            ? full
            : throw new UserErrorException(
                "BFT303",
                $"resume_from_checkpoint: {full} is not a checkpoint folder (no {CheckpointFiles.TrainerState}). Use a checkpoint-<step> folder of an earlier run, or 'latest'.",
                key: "training.resume_from_checkpoint");
    }

    /// <summary>
    /// HF's <c>_sorted_checkpoints</c> + <c>_rotate_checkpoints</c>: the best checkpoint is moved to the
    /// second-to-last place so it is deleted last, and a limit of 1 with best ≠ last keeps 2 (so the run can resume).
    /// Returns the deleted folders.
    /// </summary>
    public static IReadOnlyList<string> Rotate(string outputDir, int? saveTotalLimit, string? bestModelCheckpoint)
    {
        if (saveTotalLimit is null or <= 0)
        {
            return [];
        }

        var sorted = Sorted(outputDir).ToList();
        var best = bestModelCheckpoint is null ? null : Path.GetFullPath(bestModelCheckpoint);
        if (best is not null && sorted.IndexOf(best) is var bestIndex and >= 0)
        {
            for (var i = bestIndex; i < sorted.Count - 2; i++)
            {
                (sorted[i], sorted[i + 1]) = (sorted[i + 1], sorted[i]);
            }
        }

        if (sorted.Count <= saveTotalLimit)
        {
            return [];
        }

        var limit = saveTotalLimit.Value;
        if (best is not null && limit == 1 && sorted[^1] != best)
        {
            limit = 2;
        }

        var toDelete = sorted.Take(Math.Max(0, sorted.Count - limit)).ToList();
        foreach (var dir in toDelete)
        {
            Directory.Delete(dir, recursive: true);
        }

        return toDelete;
    }
}

/// <summary>File names inside a checkpoint folder (besides the model's config.json, model.safetensors and tokenizer files).</summary>
public static class CheckpointFiles
{
    public const string TrainerState = "trainer_state.json";
    public const string OptimizerTensors = "optimizer.safetensors";
    public const string OptimizerJson = "optimizer.json";
    public const string SchedulerJson = "scheduler.json";
    public const string RngState = "rng_state.json";
}
