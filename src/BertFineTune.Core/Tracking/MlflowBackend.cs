using System.Net;
using System.Text.Json.Nodes;

namespace BertFineTune.Tracking;

/// <summary>
/// MLflow's REST API (<c>/api/2.0/mlflow/...</c>): <c>experiments/get-by-name</c> or <c>experiments/create</c>,
/// <c>runs/create</c> with our tags (or, on resume, <c>runs/search</c> by the <c>bertft.run_id</c> tag), params and
/// metrics through <c>runs/log-batch</c> within its limits (1000 metrics, 100 params per request), <c>runs/update</c>
/// with the final status, and artifacts through the server's proxy:
/// <c>PUT /api/2.0/mlflow-artifacts/artifacts/&lt;experiment&gt;/&lt;run&gt;/artifacts/&lt;path&gt;</c>.
/// </summary>
internal sealed class MlflowBackend(MlflowSettings settings, TrackingOptions options, SecretScrubber scrubber) : ITrackerBackend
{
    private const string Api = "api/2.0/mlflow/";
    private const string ArtifactsApi = "api/2.0/mlflow-artifacts/artifacts/";
    private const int MaxMetrics = 1000;
    private const int MaxParams = 100;
    private const int MaxKeyLength = 250;
    private const int MaxParamValueLength = 500; // The smallest limit among MLflow versions still served (Azure ML, Databricks).

    private readonly TrackingHttp _http = new(settings.TrackingUri, settings.Authorization, options.RequestTimeout, scrubber);
    private string? _runId;
    private string? _experimentId;
    private string? _artifactRoot;
    private long _lastStep = -1;
    private long _finalStep;

    public string Name => "mlflow";

    public string? RunLocation => _runId is null ? null : new Uri(settings.TrackingUri, $"#/experiments/{_experimentId}/runs/{_runId}").ToString();

    public string? Note { get; private set; }

    public async Task StartAsync(TrackingRun run, CancellationToken ct)
    {
        _experimentId ??= await ExperimentIdAsync(ct);
        JsonNode? info = null;
        if (run.Resuming)
        {
            var found = await _http.PostJsonAsync(Api + "runs/search", new JsonObject
            {
                ["experiment_ids"] = new JsonArray(_experimentId),
                ["filter"] = $"tags.`bertft.run_id` = '{run.RunId}'",
                ["max_results"] = 1,
            }, ct);
            if (found?["runs"] is JsonArray { Count: > 0 } runs)
            {
                info = runs[0]!["info"];
                var metrics = runs[0]!["data"]?["metrics"] as JsonArray ?? [];
                _lastStep = metrics.Select(m => m?["step"]?.GetValue<long>() ?? -1).DefaultIfEmpty(-1).Max();
                await _http.PostJsonAsync(Api + "runs/update", new JsonObject { ["run_id"] = info!["run_id"]!.GetValue<string>(), ["status"] = "RUNNING" }, ct);
            }
        }

        if (info is null)
        {
            var request = new JsonObject
            {
                ["experiment_id"] = _experimentId,
                ["start_time"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                ["tags"] = Pairs(
                [
                    new("bertft.run_id", run.RunId),
                    new("bertft.version", TrackingRun.ToolVersion),
                    new("bertft.model_id", run.ModelId),
                    new("mlflow.source.name", "bertft"),
                    new("mlflow.source.type", "LOCAL"),
                ]),
            };
            if (settings.RunName is { } name)
            {
                request["run_name"] = name;
            }

            var created = await _http.PostJsonAsync(Api + "runs/create", request, ct);
            info = created?["run"]?["info"] ?? throw new TrackingRequestException("runs/create returned no run", null, retryable: false);
        }

        _runId = info["run_id"]?.GetValue<string>() ?? throw new TrackingRequestException("runs/create returned no run_id", null, retryable: false);
        _artifactRoot = ArtifactRoot(info["artifact_uri"]?.GetValue<string>());

        // Params are write-once and idempotent: a resumed run logs the same values again without error.
        var parameters = run.Config
            .Select(kv => new KeyValuePair<string, string>(Cut(kv.Key, MaxKeyLength), Cut(kv.Value, MaxParamValueLength)))
            .ToList();
        foreach (var chunk in parameters.Chunk(MaxParams))
        {
            await LogBatchAsync(new JsonObject { ["params"] = Pairs(chunk) }, ct);
        }
    }

    public async Task LogAsync(IReadOnlyList<MetricRow> rows, IReadOnlyList<string> console, CancellationToken ct)
    {
        var metrics = rows.Where(r => r.Step > _lastStep)
            .SelectMany(r => r.Values.Select(kv => (JsonNode)new JsonObject
            {
                ["key"] = Cut(kv.Key, MaxKeyLength),
                ["value"] = kv.Value,
                ["timestamp"] = r.Time.ToUnixTimeMilliseconds(),
                ["step"] = r.Step,
            }))
            .ToList();
        foreach (var chunk in metrics.Chunk(MaxMetrics))
        {
            await LogBatchAsync(new JsonObject { ["metrics"] = new JsonArray(chunk.Select(m => m.DeepClone()).ToArray()) }, ct);
        }

        if (rows.Count > 0)
        {
            _finalStep = Math.Max(_finalStep, rows.Max(r => r.Step));
            _lastStep = Math.Max(_lastStep, _finalStep);
        }
    }

    /// <summary>Final scalars as metrics at the last step; tables as JSON artifacts under <c>tables/</c>.</summary>
    public async Task SummaryAsync(TrackingSummary summary, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var metrics = summary.Scalars.Select(kv => (JsonNode)new JsonObject { ["key"] = kv.Key, ["value"] = kv.Value, ["timestamp"] = now, ["step"] = _finalStep }).ToArray();
        if (metrics.Length > 0)
        {
            await LogBatchAsync(new JsonObject { ["metrics"] = new JsonArray(metrics) }, ct);
        }

        if (settings.LogArtifacts)
        {
            foreach (var (key, table) in summary.Tables)
            {
                var path = "tables/" + key.Replace('/', '_') + ".json";
                await PutArtifactAsync(path, () => new StringContent(table.ToJsonString(), System.Text.Encoding.UTF8, "application/json"), ct);
            }
        }
    }

    public Task UploadAsync(TrackingArtifact artifact, CancellationToken ct) =>
        settings.LogArtifacts
            ? PutArtifactAsync(artifact.ArtifactPath, () => new StreamContent(File.OpenRead(artifact.LocalPath)), ct)
            : Task.CompletedTask;

    public Task FinishAsync(int exitCode, CancellationToken ct) =>
        _http.PostJsonAsync(Api + "runs/update", new JsonObject
        {
            ["run_id"] = _runId,
            ["status"] = exitCode switch { 0 => "FINISHED", TrackingSession.CancelledExitCode => "KILLED", _ => "FAILED" },
            ["end_time"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        }, ct);

    public string OfflineHint(string outputDir)
    {
        var prefix = $"MLFLOW_TRACKING_URI={settings.TrackingUri.ToString().TrimEnd('/')} mlflow artifacts";
        var run = $"--run-id {_runId ?? "<run id>"}";
        return $"{prefix} log-artifacts --local-dir {Path.Combine(outputDir, "model")} --artifact-path model {run} && " +
            $"{prefix} log-artifact --local-file {Path.Combine(outputDir, "metrics.json")} {run} && " +
            $"{prefix} log-artifact --local-file {Path.Combine(outputDir, "report.html")} {run} (metrics from the event files: README, Tracking)";
    }

    public void Dispose() => _http.Dispose();

    private async Task<string> ExperimentIdAsync(CancellationToken ct)
    {
        try
        {
            var found = await _http.GetJsonAsync(Api + "experiments/get-by-name?experiment_name=" + Uri.EscapeDataString(settings.ExperimentName), ct);
            return found?["experiment"]?["experiment_id"]?.GetValue<string>() ?? throw new TrackingRequestException("get-by-name returned no experiment", null, retryable: false);
        }
        catch (TrackingRequestException e) when (e.Status == HttpStatusCode.NotFound)
        {
            var created = await _http.PostJsonAsync(Api + "experiments/create", new JsonObject { ["name"] = settings.ExperimentName }, ct);
            return created?["experiment_id"]?.GetValue<string>() ?? throw new TrackingRequestException("experiments/create returned no id", null, retryable: false);
        }
    }

    private Task LogBatchAsync(JsonObject batch, CancellationToken ct)
    {
        batch["run_id"] = _runId;
        return _http.PostJsonAsync(Api + "runs/log-batch", batch, ct);
    }

    private async Task PutArtifactAsync(string artifactPath, Func<HttpContent> content, CancellationToken ct)
    {
        if (_artifactRoot is null)
        {
            Note ??= "the server stores artifacts outside its proxy (no mlflow-artifacts:/ URI); upload them with the offline command";
            return;
        }

        var path = string.Join('/', artifactPath.Split('/', '\\').Select(Uri.EscapeDataString));
        await _http.PutAsync(ArtifactsApi + _artifactRoot + "/" + path, content(), ct);
    }

    /// <summary><c>mlflow-artifacts:/1/abc/artifacts</c> (or with a host) → <c>1/abc/artifacts</c>; null for s3://, dbfs:/, file paths.</summary>
    private static string? ArtifactRoot(string? uri)
    {
        if (uri is null || !uri.StartsWith("mlflow-artifacts:", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = uri["mlflow-artifacts:".Length..];
        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            var slash = rest.IndexOf('/', 2);
            rest = slash < 0 ? string.Empty : rest[slash..];
        }

        return rest.Trim('/');
    }

    private static JsonArray Pairs(IEnumerable<KeyValuePair<string, string>> pairs) =>
        new(pairs.Select(kv => (JsonNode)new JsonObject { ["key"] = kv.Key, ["value"] = kv.Value }).ToArray());

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max];
}
