using System.Text.Json;
using System.Text.Json.Serialization;

namespace BertFineTune.Training.Benchmarking;

/// <summary>What one precision in one mode did over the timed steps (warm-up steps excluded).</summary>
/// <param name="Precision"><c>fp32</c> or <c>bf16</c>.</param>
/// <param name="Mode"><c>padded</c> or <c>unpadded</c> (<see cref="TrainerOptions.Unpadded"/>).</param>
/// <param name="Steps">Optimizer steps timed.</param>
/// <param name="Samples">Texts in the timed steps.</param>
/// <param name="RealTokens">Non-pad tokens in the timed steps.</param>
/// <param name="PaddedTokens">Tokens the timed steps have after dynamic padding (what a padded step computes on).</param>
/// <param name="StepTimeMeanS">Mean seconds per timed step.</param>
/// <param name="StepTimeMedianS">Median seconds per timed step.</param>
/// <param name="SamplesPerS">Texts per second over the timed steps.</param>
/// <param name="RealTokensPerS">Real tokens per second.</param>
/// <param name="PaddedTokensPerS">Padded tokens per second (the same steps counted with their padding).</param>
/// <param name="ModelGflopsPerS">Model FLOPs on real tokens per second, in GFLOP/s (<see cref="ModelFlops"/>).</param>
/// <param name="PeakGflops">The measured matmul peak of this precision.</param>
/// <param name="PeakShare"><see cref="ModelGflopsPerS"/> / <see cref="PeakGflops"/>.</param>
/// <param name="PeakRssMb">Peak resident memory during this run, in MB (VmHWM, reset before the run where the kernel allows).</param>
public sealed record BenchmarkResult(
    string Precision,
    string Mode,
    int Steps,
    long Samples,
    long RealTokens,
    long PaddedTokens,
    double StepTimeMeanS,
    double StepTimeMedianS,
    double SamplesPerS,
    double RealTokensPerS,
    double PaddedTokensPerS,
    double ModelGflopsPerS,
    double PeakGflops,
    double PeakShare,
    double PeakRssMb);

/// <summary>The whole <c>bertft bench</c> run; <see cref="ToJson"/> is what <c>--json</c> prints.</summary>
/// <param name="Model">The model id or folder benchmarked.</param>
/// <param name="Input">The labelled file the texts came from.</param>
/// <param name="BatchSize">Texts per step.</param>
/// <param name="MaxLength">Tokens per text after truncation (capped by the model's limit).</param>
/// <param name="Steps">Timed steps per run.</param>
/// <param name="WarmupSteps">Untimed steps before them.</param>
/// <param name="Threads">Torch intra-op threads.</param>
/// <param name="NonEmbeddingParameters">Parameters outside the embeddings (the 6·N·tokens FLOP count).</param>
/// <param name="Peaks">The measured matmul peak per precision.</param>
/// <param name="Results">Per precision, per mode.</param>
/// <param name="PaddingRatio">Padded / real tokens over the timed batches (the same batches in every run).</param>
/// <param name="PeakRssPerRun">Whether each run's peak RSS is its own (false: the process's peak so far).</param>
public sealed record BenchmarkReport(
    string Model,
    string Input,
    int BatchSize,
    int MaxLength,
    int Steps,
    int WarmupSteps,
    int Threads,
    long NonEmbeddingParameters,
    double PaddingRatio,
    bool PeakRssPerRun,
    IReadOnlyDictionary<string, MatmulPeak> Peaks,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, BenchmarkResult>> Results)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);
}
