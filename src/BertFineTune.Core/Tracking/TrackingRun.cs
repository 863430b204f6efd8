namespace BertFineTune.Tracking;

/// <summary>What every tracker is told when the run starts.</summary>
/// <param name="RunId">Ours, 8 characters [a-z0-9]; the W&amp;B run id and the MLflow tag <c>bertft.run_id</c>; kept in each checkpoint.</param>
/// <param name="Resuming">True when training continues from a checkpoint that recorded <paramref name="RunId"/>.</param>
/// <param name="Config">The flattened effective config (<c>hyperparameters.learning_rate</c> → <c>5e-05</c>), secrets masked.</param>
/// <param name="ModelId">The base model (<c>base_model.model_id</c>).</param>
/// <param name="OutputDir">The run's output folder (for the offline instructions).</param>
public sealed record TrackingRun(string RunId, bool Resuming, IReadOnlyList<KeyValuePair<string, string>> Config, string ModelId, string OutputDir)
{
    /// <summary>The bertft version that made the run.</summary>
    public static string ToolVersion { get; } =
        typeof(TrackingRun).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>A fresh id as W&amp;B's client makes them: 8 characters of [a-z0-9].</summary>
    public static string NewId()
    {
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        return string.Create(8, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Alphabet[System.Security.Cryptography.RandomNumberGenerator.GetInt32(Alphabet.Length)];
            }
        });
    }
}

/// <summary>One history row: the step, the time it was logged, and values under <see cref="MetricNames"/>.</summary>
public sealed record MetricRow(long Step, DateTimeOffset Time, IReadOnlyDictionary<string, double> Values);

/// <summary>What the run ends with: final metrics (scalars) and the tables (confusion matrix, per-class scores) as JSON.</summary>
public sealed record TrackingSummary(IReadOnlyDictionary<string, double> Scalars, IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode> Tables);

/// <summary>A local file to upload, and its path in the run's artifacts (<c>model/config.json</c>).</summary>
public sealed record TrackingArtifact(string LocalPath, string ArtifactPath);
