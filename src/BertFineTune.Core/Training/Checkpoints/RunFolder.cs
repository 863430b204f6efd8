using BertFineTune.Diagnostics;

namespace BertFineTune.Training.Checkpoints;

/// <summary>
/// One output folder holds one run. A fresh run refuses a folder that holds another run's checkpoints (unless told to
/// overwrite it), a resume refuses a run that already finished, and nothing ever mixes two runs' checkpoints.
/// </summary>
public static class RunFolder
{
    /// <summary>
    /// Checks, before any work, that a run may start in <paramref name="outputDir"/>.
    /// </summary>
    /// <param name="outputDir">The run's <c>output_dir</c>.</param>
    /// <param name="resume"><c>resume_from_checkpoint</c> (a folder or <c>latest</c>), or null for a fresh run.</param>
    /// <param name="overwrite">A fresh run may delete another run's checkpoints and outputs.</param>
    /// <exception cref="UserErrorException">BFT320 when the folder holds another run, BFT321 when the run to resume already finished, BFT303 when there is nothing to resume.</exception>
    public static void CheckStart(string outputDir, string? resume, bool overwrite)
    {
        if (resume is not null && overwrite)
        {
            throw new UserErrorException(
                "BFT320",
                "--resume continues the run in the output folder and --overwrite deletes it; pass one of them.",
                key: "training.resume_from_checkpoint");
        }

        if (resume is null)
        {
            var existing = CheckpointFolders.All(outputDir);
            if (existing.Count > 0 && !overwrite)
            {
                throw new UserErrorException(
                    "BFT320",
                    $"{outputDir} already holds checkpoints of an earlier run ({Names(existing)}). Pass --resume to continue that run, "
                    + "or --overwrite to delete its checkpoints, model and reports and train afresh, or set another output_dir.",
                    key: "training.output_dir");
            }

            return;
        }

        var checkpoint = CheckpointFolders.ResolveResume(outputDir, resume);
        var manifest = RunManifest.TryRead(outputDir);
        var runId = RunState.TryRead(checkpoint)?.RunId;
        var step = CheckpointIO.ReadTrainerState(checkpoint).GlobalStep;
        if (manifest is { FinishedStep: { } finished } && manifest.RunId == runId && step >= finished)
        {
            throw new UserErrorException(
                "BFT321",
                $"The run in {outputDir} already finished at step {finished}; there is nothing to resume, and model/ and metrics.json stay as they are. "
                + "Pass --overwrite (instead of --resume) to train again from scratch, or name an earlier checkpoint-<step> folder to redo the steps after it.",
                key: "training.resume_from_checkpoint");
        }

        if (manifest is not null && runId is not null && manifest.RunId != runId
            && CheckpointFolders.All(outputDir).Where(d => RunState.TryRead(d)?.RunId == manifest.RunId).ToList() is { Count: > 0 } others)
        {
            throw new UserErrorException(
                "BFT320",
                $"{checkpoint} belongs to another run than the one in {outputDir} ({Names(others)}); resuming it there would mix two runs. "
                + "Resume it into an empty output_dir, or pass --overwrite without --resume to replace the run in this folder.",
                key: "training.output_dir");
        }
    }

    /// <summary>
    /// <c>--overwrite</c>: removes what an earlier run wrote into <paramref name="outputDir"/> (its checkpoints,
    /// <c>model/</c>, <c>run.json</c>, <c>metrics.json</c>, <c>report.html</c> and logs), and nothing else. Each folder
    /// is renamed to a temp name before it is deleted, so a kill in between leaves no half-deleted folder under a real name.
    /// </summary>
    public static void ClearForOverwrite(string outputDir)
    {
        foreach (var checkpoint in CheckpointFolders.All(outputDir))
        {
            CheckpointFolders.Delete(checkpoint);
        }

        foreach (var folder in new[] { "model", Path.Combine("logs", "tensorboard") })
        {
            if (Directory.Exists(Path.Combine(outputDir, folder)))
            {
                CheckpointFolders.Delete(Path.Combine(outputDir, folder));
            }
        }

        foreach (var file in new[] { RunManifest.FileName, "metrics.json", "report.html", Path.Combine("logs", "events.jsonl") })
        {
            if (File.Exists(Path.Combine(outputDir, file)))
            {
                File.Delete(Path.Combine(outputDir, file));
            }
        }
    }

    private static string Names(IEnumerable<string> dirs)
    {
        var names = dirs.Select(Path.GetFileName).ToList();
        return names.Count <= 4 ? string.Join(", ", names) : $"{string.Join(", ", names.Take(3))}, … {names[^1]}";
    }
}
