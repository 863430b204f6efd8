namespace BertFineTune.Training;

/// <summary>
/// HF's <c>TrainerCallback</c>, reduced to what observers of a run need: every row the Trainer logs and every checkpoint
/// it writes. Called on the training thread, so an implementation must return at once (hand work to its own thread)
/// and must not throw.
/// </summary>
public interface ITrainerCallback
{
    /// <summary>A <c>log</c>, <c>eval</c> or <c>train_end</c> row, as it goes into <c>log_history</c>, plus throughput.</summary>
    void OnLog(TrainerLogRow row);

    /// <summary>A checkpoint is being written into <paramref name="checkpointDirectory"/> (still its temporary folder).</summary>
    void OnSave(string checkpointDirectory);
}

/// <summary>One logged row: its kind, where training was, the values under HF's names (<c>loss</c>, <c>eval_f1</c>, ...).</summary>
public sealed record TrainerLogRow(string Kind, long Step, double Epoch, IReadOnlyDictionary<string, double> Values);
