using BertFineTune.Diagnostics;

namespace BertFineTune.Training.Benchmarking;

/// <summary>What <c>bertft bench</c> runs: a model, a labelled file, and which precisions and modes to time.</summary>
/// <param name="ModelId">A model folder or Hub id.</param>
/// <param name="DataFile">A labelled CSV/TSV/JSONL/XLSX file.</param>
/// <param name="TextColumn">The column holding the texts.</param>
/// <param name="LabelColumn">The column holding the labels.</param>
/// <param name="Steps">Timed optimizer steps per precision and mode.</param>
/// <param name="BatchSize">Texts per step.</param>
/// <param name="MaxLength">Tokens per text after truncation (capped by the model's limit).</param>
/// <param name="WarmupSteps">Untimed steps before them (at least 1: the first step pays for first-touch allocations).</param>
/// <param name="Threads">Torch intra-op threads; null uses the physical cores, as training does.</param>
public sealed record TrainingBenchmarkOptions(
    string ModelId,
    string DataFile,
    string TextColumn,
    string LabelColumn,
    int Steps = 30,
    int BatchSize = 16,
    int MaxLength = 128,
    int? Threads = null,
    int WarmupSteps = 3)
{
    public bool Fp32 { get; init; } = true;

    public bool Bf16 { get; init; } = true;

    public bool Padded { get; init; } = true;

    public bool Unpadded { get; init; } = true;

    /// <summary>Time spent on each matmul shape when measuring the peak.</summary>
    public TimeSpan PeakBudgetPerShape { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>Throws one <see cref="UserErrorException"/> listing every bad option (BFT314), named as on the command line.</summary>
    public void Validate()
    {
        var errors = new List<UserError>();
        void Check(bool ok, string option, string message)
        {
            if (!ok)
            {
                errors.Add(new UserError("BFT314", message, Key: option));
            }
        }

        Check(Steps >= 1, "--steps", $"must be at least 1 (got {Steps}).");
        Check(WarmupSteps >= 1, "--warmup-steps", $"must be at least 1 (got {WarmupSteps}): the first step pays for allocations and is never timed.");
        Check(BatchSize >= 1, "--batch-size", $"must be at least 1 (got {BatchSize}).");
        Check(MaxLength >= 2, "--max-length", $"must be at least 2 (got {MaxLength}).");
        Check(Threads is null or >= 1, "--threads", $"must be at least 1 (got {Threads}).");
        Check(Fp32 || Bf16, "--precision", "choose fp32, bf16 or both.");
        Check(Padded || Unpadded, "--padded/--unpadded", "at least one mode must run.");
        if (errors.Count > 0)
        {
            throw new UserErrorException(errors);
        }
    }
}
