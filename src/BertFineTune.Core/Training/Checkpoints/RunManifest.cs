using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BertFineTune.IO;

namespace BertFineTune.Training.Checkpoints;

/// <summary>
/// <c>&lt;output_dir&gt;/run.json</c>: which run owns the folder, and whether it finished. A fresh run writes a new id;
/// a resumed run keeps the id of its checkpoint; <c>bertft train</c> records the final step once <c>model/</c> and
/// <c>metrics.json</c> are written, so resuming a finished run is refused instead of rewriting its results.
/// </summary>
/// <param name="RunId">A new GUID per fresh run.</param>
/// <param name="Started">When the run first started (kept across resumes).</param>
/// <param name="FinishedStep">The global step the run finished at; null while it is running or was interrupted.</param>
public sealed record RunManifest(string RunId, DateTimeOffset Started, long? FinishedStep)
{
    public const string FileName = "run.json";

    public static RunManifest New() => new(Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow, null);

    public static string PathIn(string outputDir) => Path.Combine(outputDir, FileName);

    public void Write(string outputDir)
    {
        var json = new JsonObject
        {
            ["run_id"] = RunId,
            ["started"] = Started.ToString("O", CultureInfo.InvariantCulture),
            ["finished_step"] = FinishedStep,
        };
        AtomicFile.WriteAllText(PathIn(outputDir), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>The folder's manifest; null when there is none (a folder written before run ids existed) or it is damaged.</summary>
    public static RunManifest? TryRead(string outputDir)
    {
        var path = PathIn(outputDir);
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            var o = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            return new RunManifest(
                o["run_id"]!.GetValue<string>(),
                DateTimeOffset.Parse(o["started"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                o["finished_step"]?.GetValue<long>());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Marks the run in <paramref name="outputDir"/> as finished at <paramref name="globalStep"/>, if it is still <paramref name="runId"/>'s folder.</summary>
    public static void MarkFinished(string outputDir, string runId, long globalStep)
    {
        if (TryRead(outputDir) is { } manifest && manifest.RunId == runId)
        {
            (manifest with { FinishedStep = globalStep }).Write(outputDir);
        }
    }
}
