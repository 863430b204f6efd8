using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace BertFineTune.Tracking;

/// <summary>
/// Weights &amp; Biases as its official client talks to it: HTTP basic auth <c>api:&lt;key&gt;</c>; GraphQL
/// <c>UpsertBucket</c> on <c>/graphql</c> creates the run (name = our run id, with config, display name, project,
/// entity, tags); on resume <c>RunResumeStatus</c> first gives the line counts already stored, so the file stream
/// continues after them. History rows, the summary and console lines go to
/// <c>/files/&lt;entity&gt;/&lt;project&gt;/&lt;run&gt;/file_stream</c> as <c>{"files": {name: {"offset", "content"}}}</c>;
/// the last post carries <c>"complete": true</c> and the exit code.
/// </summary>
internal sealed class WandbBackend(WandbSettings settings, TrackingOptions options, SecretScrubber scrubber) : ITrackerBackend
{
    private const string HistoryFile = "wandb-history.jsonl";
    private const string SummaryFile = "wandb-summary.json";
    private const string OutputFile = "output.log";

    private const string UpsertBucket = """
        mutation UpsertBucket($name: String, $project: String, $entity: String, $displayName: String, $config: JSONString, $tags: [String!], $jobType: String) {
          upsertBucket(input: {name: $name, modelName: $project, entityName: $entity, displayName: $displayName, config: $config, tags: $tags, jobType: $jobType}) {
            bucket { id name displayName project { name entity { name } } }
            inserted
          }
        }
        """;

    private const string RunResumeStatus = """
        query RunResumeStatus($project: String, $entity: String, $name: String!) {
          model(name: $project, entityName: $entity) {
            bucket(name: $name, missingOk: true) { id name historyLineCount logLineCount historyTail summaryMetrics }
          }
        }
        """;

    private readonly TrackingHttp _http = new(
        settings.BaseUrl,
        new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("api:" + settings.ApiKey))),
        options.RequestTimeout,
        scrubber);

    private readonly JsonObject _summary = [];
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private string? _streamPath;
    private string? _runPath;
    private string? _runId;
    private int _historyLine;
    private int _outputLine;
    private long _lastStep = -1;
    private double _runtimeBefore;

    public string Name => "wandb";

    public string? Note => null;

    public string? RunLocation => _runPath is null ? null : new Uri(settings.BaseUrl, _runPath).ToString();

    public async Task StartAsync(TrackingRun run, CancellationToken ct)
    {
        _runId = run.RunId;
        if (run.Resuming)
        {
            var status = await GraphQlAsync(RunResumeStatus, new JsonObject { ["project"] = settings.Project, ["entity"] = settings.Entity, ["name"] = run.RunId }, ct);
            if (status?["model"]?["bucket"] is JsonObject bucket)
            {
                _historyLine = bucket["historyLineCount"]?.GetValue<int>() ?? 0;
                _outputLine = bucket["logLineCount"]?.GetValue<int>() ?? 0;
                _lastStep = LastStep(bucket["historyTail"]?.GetValue<string>());
                // The summary file is rewritten whole, so it starts from what the server holds.
                if (bucket["summaryMetrics"]?.GetValue<string>() is { Length: > 0 } stored && JsonNode.Parse(stored) is JsonObject previous)
                {
                    foreach (var (key, value) in previous)
                    {
                        _summary[key] = value?.DeepClone();
                    }

                    _runtimeBefore = previous["_runtime"]?.GetValue<double>() ?? 0;
                }
            }
        }

        var config = new JsonObject();
        foreach (var (key, value) in run.Config)
        {
            config[key] = new JsonObject { ["desc"] = null, ["value"] = ConfigValue(value) };
        }

        var variables = new JsonObject
        {
            ["name"] = run.RunId,
            ["project"] = settings.Project,
            ["entity"] = settings.Entity,
            ["displayName"] = settings.RunName,
            ["config"] = config.ToJsonString(),
            ["tags"] = new JsonArray(settings.Tags.Select(t => (JsonNode)JsonValue.Create(t)).ToArray()),
            ["jobType"] = "train",
        };
        var data = await GraphQlAsync(UpsertBucket, variables, ct);
        var upserted = data?["upsertBucket"]?["bucket"] ?? throw new TrackingRequestException("UpsertBucket returned no bucket", null, retryable: false);
        var entity = upserted["project"]?["entity"]?["name"]?.GetValue<string>() ?? settings.Entity ?? throw new TrackingRequestException("UpsertBucket returned no entity", null, retryable: false);
        var project = upserted["project"]?["name"]?.GetValue<string>() ?? settings.Project;
        var name = upserted["name"]?.GetValue<string>() ?? run.RunId;
        _streamPath = $"files/{Uri.EscapeDataString(entity)}/{Uri.EscapeDataString(project)}/{Uri.EscapeDataString(name)}/file_stream";
        _runPath = $"{Uri.EscapeDataString(entity)}/{Uri.EscapeDataString(project)}/runs/{Uri.EscapeDataString(name)}";
    }

    public async Task LogAsync(IReadOnlyList<MetricRow> rows, IReadOnlyList<string> console, CancellationToken ct)
    {
        // A resumed run replays the steps after its checkpoint; those the server already holds are not sent again.
        var history = rows.Where(r => r.Step > _lastStep).Select(HistoryLine).ToList();
        var files = new JsonObject();
        if (history.Count > 0)
        {
            files[HistoryFile] = Chunk(_historyLine, history.Select(h => h.ToJsonString()));
        }

        if (console.Count > 0)
        {
            files[OutputFile] = Chunk(_outputLine, console.Select(line => $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.ffffff} {line}"));
        }

        var summary = new JsonObject();
        foreach (var line in history)
        {
            foreach (var (key, value) in line)
            {
                summary[key] = value?.DeepClone();
            }
        }

        await PostAsync(files, summary, null, ct);
        _historyLine += history.Count;
        _outputLine += console.Count;
        _lastStep = history.Count > 0 ? history.Max(h => h["_step"]!.GetValue<long>()) : _lastStep;
    }

    public Task SummaryAsync(TrackingSummary summary, CancellationToken ct)
    {
        var update = new JsonObject();
        foreach (var (key, value) in summary.Scalars)
        {
            update[key] = value;
        }

        foreach (var (key, table) in summary.Tables)
        {
            update[key] = table.DeepClone();
        }

        return PostAsync([], update, null, ct);
    }

    /// <summary>Files go to MLflow; W&amp;B gets the tables in the summary instead.</summary>
    public Task UploadAsync(TrackingArtifact artifact, CancellationToken ct) => Task.CompletedTask;

    public Task FinishAsync(int exitCode, CancellationToken ct) => PostAsync([], [], exitCode, ct);

    /// <summary>
    /// A run that never started is uploaded under its own id (a later <c>--resume</c> then continues it); one that holds
    /// part of the history gets a separate run from the event files, so no step is there twice.
    /// </summary>
    public string OfflineHint(string outputDir) =>
        $"wandb sync --sync-tensorboard{(_runPath is null && _runId is not null ? " --id " + _runId : string.Empty)} --project {settings.Project}" +
        $"{(settings.Entity is null ? string.Empty : " --entity " + settings.Entity)} {Path.Combine(outputDir, "logs")}";

    public void Dispose() => _http.Dispose();

    private static JsonObject Chunk(int offset, IEnumerable<string> lines) =>
        new() { ["offset"] = offset, ["content"] = new JsonArray(lines.Select(l => (JsonNode)JsonValue.Create(l)).ToArray()) };

    private async Task PostAsync(JsonObject files, JsonObject summaryUpdate, int? exitCode, CancellationToken ct)
    {
        var summary = (JsonObject)_summary.DeepClone();
        foreach (var (key, value) in summaryUpdate)
        {
            summary[key] = value?.DeepClone();
        }

        if (summaryUpdate.Count > 0)
        {
            files[SummaryFile] = Chunk(0, [summary.ToJsonString()]);
        }

        var body = new JsonObject { ["files"] = files };
        if (exitCode is { } code)
        {
            body["complete"] = true;
            body["exitcode"] = code;
        }

        await _http.PostJsonAsync(_streamPath ?? throw new InvalidOperationException("the run was not started"), body, ct);
        foreach (var (key, value) in summaryUpdate)
        {
            _summary[key] = value?.DeepClone();
        }
    }

    private JsonObject HistoryLine(MetricRow row)
    {
        var line = new JsonObject
        {
            ["_step"] = row.Step,
            ["_runtime"] = _runtimeBefore + (row.Time - _started).TotalSeconds,
            ["_timestamp"] = row.Time.ToUnixTimeMilliseconds() / 1000.0,
        };
        foreach (var (key, value) in row.Values)
        {
            line[key] = value;
        }

        return line;
    }

    private async Task<JsonNode?> GraphQlAsync(string query, JsonObject variables, CancellationToken ct)
    {
        var answer = await _http.PostJsonAsync("graphql", new JsonObject { ["query"] = query, ["variables"] = variables }, ct);
        if (answer?["errors"] is JsonArray { Count: > 0 } errors)
        {
            var message = string.Join("; ", errors.Select(e => e?["message"]?.GetValue<string>() ?? "error"));
            throw new TrackingRequestException(scrubber.Scrub($"GraphQL: {message}"), null, retryable: false);
        }

        return answer?["data"];
    }

    /// <summary>The highest <c>_step</c> in the server's history tail (a JSON list of JSON lines); -1 when none.</summary>
    private static long LastStep(string? tail)
    {
        if (string.IsNullOrEmpty(tail) || JsonNode.Parse(tail) is not JsonArray lines)
        {
            return -1;
        }

        return lines.Select(l => l?.GetValue<string>() is { } text ? JsonNode.Parse(text)?["_step"]?.GetValue<long>() : null)
            .Max() ?? -1;
    }

    /// <summary>Numbers and booleans keep their type in W&amp;B's config (for filtering runs); the rest stays text.</summary>
    private static JsonNode? ConfigValue(string value) =>
        value switch
        {
            "true" => true,
            "false" => false,
            "null" => null,
            _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) => number,
            _ => value,
        };
}
