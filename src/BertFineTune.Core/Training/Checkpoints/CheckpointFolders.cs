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

    /// <summary>Every <c>checkpoint-&lt;step&gt;</c> folder, whole or not, oldest step first.</summary>
    public static IReadOnlyList<string> All(string outputDir) =>
        Directory.Exists(outputDir)
            ? Directory.GetDirectories(outputDir, Prefix + "*")
                .Select(d => (Dir: d, Step: StepOf(d)))
                .Where(x => x.Step is not null)
                .OrderBy(x => x.Step)
                .Select(x => Path.GetFullPath(x.Dir))
                .ToList()
            : [];

    /// <summary>Whether every file a resume reads is there (a folder a killed process half-deleted is not).</summary>
    public static bool IsWhole(string dir) =>
        new[] { "config.json", "model.safetensors", CheckpointFiles.OptimizerTensors, CheckpointFiles.OptimizerJson, CheckpointFiles.SchedulerJson, CheckpointFiles.RngState, CheckpointFiles.TrainerState }
            .All(f => File.Exists(Path.Combine(dir, f)));

    /// <summary>
    /// <c>resume_from_checkpoint</c>: <c>latest</c> (or <c>true</c>) means the newest whole checkpoint of the run that
    /// owns the output folder (<c>run.json</c>); checkpoints of another run are never picked.
    /// </summary>
    public static string ResolveResume(string outputDir, string resume)
    {
        if (resume.Equals("latest", StringComparison.OrdinalIgnoreCase) || resume.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            var all = Sorted(outputDir).Where(IsWhole).ToList();
            var owner = RunManifest.TryRead(outputDir)?.RunId;
            var ours = owner is null ? all : all.Where(d => RunState.TryRead(d)?.RunId == owner).ToList();
            if (ours.Count > 0)
            {
                return ours[^1];
            }

            throw new UserErrorException(
                "BFT303",
                all.Count == 0
                    ? $"resume_from_checkpoint: latest found no whole checkpoint-<step> folder in {outputDir}. Train without resume first, or name a checkpoint folder."
                    : $"resume_from_checkpoint: latest found no checkpoint of the run that owns {outputDir} ({RunManifest.FileName} names run {owner}); {string.Join(", ", all.Select(Path.GetFileName))} belong to another run. Name a checkpoint folder to continue that run, or start afresh with --overwrite.",
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
    /// Only checkpoints <paramref name="ownedByRun"/> accepts take part: a run never prunes another run's checkpoints.
    /// Returns the deleted folders.
    /// </summary>
    public static IReadOnlyList<string> Rotate(string outputDir, int? saveTotalLimit, string? bestModelCheckpoint, Func<string, bool>? ownedByRun = null)
    {
        if (saveTotalLimit is null or <= 0)
        {
            return [];
        }

        var sorted = Sorted(outputDir).Where(d => ownedByRun?.Invoke(d) ?? true).ToList();
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
            Delete(dir);
        }

        return toDelete;
    }

    /// <summary>
    /// Deletes a checkpoint so that no half-deleted folder ever carries a checkpoint name: it is first renamed to a
    /// temp name (one atomic rename), then deleted. A process killed in between leaves a <c>.tmp-</c> folder, which
    /// the next run removes (<see cref="AtomicDirectory.CleanLeftovers"/>), and never a <c>checkpoint-N</c> a resume could pick.
    /// </summary>
    public static void Delete(string dir)
    {
        var full = Path.GetFullPath(dir.TrimEnd(Path.DirectorySeparatorChar));
        var doomed = Path.Combine(Path.GetDirectoryName(full)!, $"{AtomicDirectory.TempPrefix}deleting-{Path.GetFileName(full)}-{Guid.NewGuid():N}");
        Directory.Move(full, doomed);
        Directory.Delete(doomed, recursive: true);
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
