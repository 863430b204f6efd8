using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace BertFineTune.Tests.Tracking;

/// <summary>
/// MLflow's tracking REST API as its server documents it (<c>/api/2.0/mlflow/...</c>: experiments/get-by-name,
/// experiments/create, runs/create, runs/search, runs/log-batch with its limits, runs/update) plus the artifact proxy
/// (<c>PUT /api/2.0/mlflow-artifacts/artifacts/...</c>), bearer-token auth; checks every request's shape.
/// </summary>
internal sealed partial class FakeMlflowServer(string? token) : LoopbackServer
{
    private const string Api = "/api/2.0/mlflow/";
    private const string Artifacts = "/api/2.0/mlflow-artifacts/artifacts/";

    private readonly object _gate = new();

    public Dictionary<string, string> Experiments { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, MlflowRun> Runs { get; } = new(StringComparer.Ordinal);

    protected override (int Status, JsonNode? Body) Handle(RecordedRequest request)
    {
        if (token is not null && request.Authorization != "Bearer " + token)
        {
            return (401, Error("UNAUTHENTICATED", "bad token"));
        }

        lock (_gate)
        {
            if (request.Method == "PUT" && request.Path.StartsWith(Artifacts, StringComparison.Ordinal))
            {
                return PutArtifact(request);
            }

            var endpoint = request.Path.StartsWith(Api, StringComparison.Ordinal) ? request.Path[Api.Length..] : null;
            if (request.Method == "GET" && endpoint == "experiments/get-by-name")
            {
                var name = Uri.UnescapeDataString(request.Query.TrimStart('?').Split('&').FirstOrDefault(p => p.StartsWith("experiment_name=", StringComparison.Ordinal))?["experiment_name=".Length..] ?? string.Empty);
                return Experiments.TryGetValue(name, out var id)
                    ? Json(new JsonObject { ["experiment"] = new JsonObject { ["experiment_id"] = id, ["name"] = name } })
                    : (404, Error("RESOURCE_DOES_NOT_EXIST", $"Could not find experiment with name '{name}'"));
            }

            if (request.Method != "POST" || endpoint is null)
            {
                Problem(request, "no such endpoint");
                return (404, Error("ENDPOINT_NOT_FOUND", "no such endpoint"));
            }

            JsonObject body;
            try
            {
                body = request.Json!.AsObject();
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException)
            {
                Problem(request, "body is not a JSON object");
                return (400, Error("MALFORMED_REQUEST", "bad json"));
            }

            return endpoint switch
            {
                "experiments/create" => CreateExperiment(request, body),
                "runs/create" => CreateRun(request, body),
                "runs/search" => Search(request, body),
                "runs/log-batch" => LogBatch(request, body),
                "runs/update" => Update(request, body),
                _ => Unknown(request),
            };
        }
    }

    private static JsonObject Error(string code, string message) => new() { ["error_code"] = code, ["message"] = message };

    private (int, JsonNode?) Unknown(RecordedRequest request)
    {
        Problem(request, "no such endpoint");
        return (404, Error("ENDPOINT_NOT_FOUND", "no such endpoint"));
    }

    private (int, JsonNode?) CreateExperiment(RecordedRequest request, JsonObject body)
    {
        var name = body["name"]?.GetValue<string>();
        if (string.IsNullOrEmpty(name))
        {
            Problem(request, "experiment without a name");
            return (400, Error("INVALID_PARAMETER_VALUE", "name"));
        }

        if (Experiments.ContainsKey(name))
        {
            return (400, Error("RESOURCE_ALREADY_EXISTS", name));
        }

        var id = (Experiments.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Experiments[name] = id;
        return Json(new JsonObject { ["experiment_id"] = id });
    }

    private (int, JsonNode?) CreateRun(RecordedRequest request, JsonObject body)
    {
        var experiment = body["experiment_id"]?.GetValue<string>();
        if (experiment is null || !Experiments.ContainsValue(experiment) || body["start_time"]?.GetValueKind() != JsonValueKind.Number)
        {
            Problem(request, "runs/create needs an existing experiment_id and a start_time in ms");
            return (400, Error("INVALID_PARAMETER_VALUE", "experiment_id"));
        }

        var id = $"run{Runs.Count + 1:D4}abcdef";
        var run = new MlflowRun(id, experiment) { Name = body["run_name"]?.GetValue<string>() };
        foreach (var tag in Pairs(request, body["tags"]))
        {
            run.Tags[tag.Key] = tag.Value;
        }

        Runs[id] = run;
        return Json(new JsonObject { ["run"] = RunJson(run) });
    }

    private (int, JsonNode?) Search(RecordedRequest request, JsonObject body)
    {
        var filter = body["filter"]?.GetValue<string>() ?? string.Empty;
        var match = TagFilter().Match(filter);
        if (!match.Success || body["experiment_ids"] is not JsonArray ids)
        {
            Problem(request, "runs/search without experiment_ids or with a filter other than tags.`k` = 'v'");
            return (400, Error("INVALID_PARAMETER_VALUE", "filter"));
        }

        var experiments = ids.Select(i => i!.GetValue<string>()).ToHashSet();
        var runs = Runs.Values.Where(r => experiments.Contains(r.ExperimentId) && r.Tags.GetValueOrDefault(match.Groups[1].Value) == match.Groups[2].Value);
        return Json(new JsonObject { ["runs"] = new JsonArray(runs.Select(r => (JsonNode)RunJson(r)).ToArray()) });
    }

    private (int, JsonNode?) LogBatch(RecordedRequest request, JsonObject body)
    {
        if (body["run_id"]?.GetValue<string>() is not { } id || !Runs.TryGetValue(id, out var run))
        {
            Problem(request, "log-batch for an unknown run");
            return (404, Error("RESOURCE_DOES_NOT_EXIST", "run"));
        }

        var metrics = body["metrics"] as JsonArray ?? [];
        var parameters = Pairs(request, body["params"]);
        var tags = Pairs(request, body["tags"]);
        if (metrics.Count > 1000 || parameters.Count > 100 || tags.Count > 100 || metrics.Count + parameters.Count + tags.Count > 1000)
        {
            Problem(request, $"log-batch over MLflow's limits ({metrics.Count} metrics, {parameters.Count} params, {tags.Count} tags)");
            return (400, Error("INVALID_PARAMETER_VALUE", "A batch logging request can contain at most 1000 metrics"));
        }

        foreach (var metric in metrics)
        {
            if (metric?["key"]?.GetValueKind() != JsonValueKind.String || metric["value"]?.GetValueKind() != JsonValueKind.Number
                || metric["timestamp"]?.GetValueKind() != JsonValueKind.Number || metric["step"]?.GetValueKind() != JsonValueKind.Number)
            {
                Problem(request, "a metric is not {key: string, value: number, timestamp: int, step: int}");
                continue;
            }

            run.Metrics.Add((metric["key"]!.GetValue<string>(), metric["value"]!.GetValue<double>(), metric["step"]!.GetValue<long>()));
        }

        foreach (var (key, value) in parameters)
        {
            if (run.Params.TryGetValue(key, out var old) && old != value)
            {
                Problem(request, $"param {key} changed from {old} to {value}");
                return (400, Error("INVALID_PARAMETER_VALUE", "Changing param values is not allowed"));
            }

            run.Params[key] = value;
        }

        return Json(new JsonObject());
    }

    private (int, JsonNode?) Update(RecordedRequest request, JsonObject body)
    {
        var status = body["status"]?.GetValue<string>();
        if (body["run_id"]?.GetValue<string>() is not { } id || !Runs.TryGetValue(id, out var run) || status is not ("RUNNING" or "FINISHED" or "FAILED" or "KILLED" or "SCHEDULED"))
        {
            Problem(request, "runs/update needs a known run_id and a RunStatus");
            return (400, Error("INVALID_PARAMETER_VALUE", "status"));
        }

        run.Statuses.Add(status);
        return Json(new JsonObject { ["run_info"] = RunJson(run)["info"]!.DeepClone() });
    }

    private (int, JsonNode?) PutArtifact(RecordedRequest request)
    {
        var parts = request.Path[Artifacts.Length..].Split('/', 4);
        if (parts.Length != 4 || parts[2] != "artifacts" || !Runs.TryGetValue(parts[1], out var run) || run.ExperimentId != parts[0])
        {
            Problem(request, "artifact path is not <experiment>/<run>/artifacts/<path>");
            return (404, Error("RESOURCE_DOES_NOT_EXIST", "artifact"));
        }

        run.Artifacts[Uri.UnescapeDataString(parts[3])] = request.Body;
        return Json(new JsonObject());
    }

    private List<KeyValuePair<string, string>> Pairs(RecordedRequest request, JsonNode? node)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var item in node as JsonArray ?? [])
        {
            if (item?["key"]?.GetValueKind() != JsonValueKind.String || item["value"]?.GetValueKind() != JsonValueKind.String)
            {
                Problem(request, "a param or tag is not {key: string, value: string}");
                continue;
            }

            pairs.Add(new(item["key"]!.GetValue<string>(), item["value"]!.GetValue<string>()));
        }

        return pairs;
    }

    private static JsonObject RunJson(MlflowRun run) => new()
    {
        ["info"] = new JsonObject
        {
            ["run_id"] = run.Id,
            ["experiment_id"] = run.ExperimentId,
            ["status"] = run.Statuses.LastOrDefault() ?? "RUNNING",
            ["artifact_uri"] = $"mlflow-artifacts:/{run.ExperimentId}/{run.Id}/artifacts",
        },
        ["data"] = new JsonObject
        {
            // As the server answers: the latest value of each metric, with its step.
            ["metrics"] = new JsonArray(run.Metrics.GroupBy(m => m.Key).Select(g => (JsonNode)new JsonObject
            {
                ["key"] = g.Key,
                ["value"] = g.Last().Value,
                ["step"] = g.Max(m => m.Step),
            }).ToArray()),
        },
    };

    [GeneratedRegex(@"^tags\.`([^`]+)`\s*=\s*'([^']*)'$")]
    private static partial Regex TagFilter();
}

internal sealed class MlflowRun(string id, string experimentId)
{
    public string Id { get; } = id;

    public string ExperimentId { get; } = experimentId;

    public string? Name { get; init; }

    public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Params { get; } = new(StringComparer.Ordinal);

    public List<(string Key, double Value, long Step)> Metrics { get; } = [];

    public List<string> Statuses { get; } = [];

    public Dictionary<string, byte[]> Artifacts { get; } = new(StringComparer.Ordinal);
}
