using System.Text;
using System.Text.Json.Nodes;

namespace BertFineTune.Tests.Tracking;

/// <summary>
/// The parts of W&amp;B's API that its client uses for a run: <c>POST /graphql</c> (UpsertBucket, RunResumeStatus)
/// and <c>POST /files/{entity}/{project}/{run}/file_stream</c>, with HTTP basic auth <c>api:&lt;key&gt;</c>.
/// Stores each run's history, console lines, summary and exit as the service would, and checks every request.
/// </summary>
internal sealed class FakeWandbServer(string apiKey) : LoopbackServer
{
    public const string Entity = "test-entity";

    private readonly object _gate = new();

    public Dictionary<string, WandbRun> Runs { get; } = new(StringComparer.Ordinal);

    public WandbRun Run(string name)
    {
        lock (_gate)
        {
            return Runs[name];
        }
    }

    protected override (int Status, JsonNode? Body) Handle(RecordedRequest request)
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("api:" + apiKey));
        if (request.Authorization != expected)
        {
            return (401, new JsonObject { ["errors"] = new JsonArray(new JsonObject { ["message"] = "user is not logged in" }) });
        }

        if (request.Method != "POST")
        {
            Problem(request, "only POST is used by the client");
            return (405, null);
        }

        JsonObject body;
        try
        {
            body = request.Json!.AsObject();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or NullReferenceException)
        {
            Problem(request, "body is not a JSON object");
            return (400, null);
        }

        lock (_gate)
        {
            if (request.Path == "/graphql")
            {
                return GraphQl(request, body);
            }

            var parts = request.Path.Trim('/').Split('/');
            if (parts is ["files", var entity, var project, var run, "file_stream"])
            {
                return FileStream(request, Uri.UnescapeDataString(entity), Uri.UnescapeDataString(project), Uri.UnescapeDataString(run), body);
            }

            Problem(request, "no such endpoint");
            return (404, null);
        }
    }

    private (int, JsonNode?) GraphQl(RecordedRequest request, JsonObject body)
    {
        var query = body["query"]?.GetValue<string>() ?? string.Empty;
        var variables = body["variables"] as JsonObject ?? [];
        var name = variables["name"]?.GetValue<string>();
        if (name is null)
        {
            Problem(request, "no run name in variables");
            return (400, null);
        }

        if (query.Contains("mutation UpsertBucket", StringComparison.Ordinal) && query.Contains("upsertBucket(input:", StringComparison.Ordinal))
        {
            var project = variables["project"]?.GetValue<string>() ?? "uncategorized";
            JsonObject config;
            try
            {
                config = JsonNode.Parse(variables["config"]!.GetValue<string>())!.AsObject();
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or NullReferenceException)
            {
                Problem(request, "config is not a JSON string of an object");
                return (400, null);
            }

            if (config.Any(kv => kv.Value is not JsonObject o || !o.ContainsKey("value")))
            {
                Problem(request, "a config entry is not {\"value\": ...}");
            }

            var inserted = !Runs.TryGetValue(name, out var run);
            run ??= Runs[name] = new WandbRun(name, project);
            run.Upserts++;
            run.Config = config;
            run.Tags = (variables["tags"] as JsonArray)?.Select(t => t!.GetValue<string>()).ToList() ?? [];
            run.DisplayName = variables["displayName"]?.GetValue<string>();
            return Json(new JsonObject
            {
                ["data"] = new JsonObject
                {
                    ["upsertBucket"] = new JsonObject
                    {
                        ["bucket"] = new JsonObject
                        {
                            ["id"] = "storage-" + name,
                            ["name"] = name,
                            ["displayName"] = run.DisplayName ?? "lucky-dawn-1",
                            ["project"] = new JsonObject { ["name"] = project, ["entity"] = new JsonObject { ["name"] = Entity } },
                        },
                        ["inserted"] = inserted,
                    },
                },
            });
        }

        if (query.Contains("query RunResumeStatus", StringComparison.Ordinal))
        {
            if (!Runs.TryGetValue(name, out var run))
            {
                return Json(new JsonObject { ["data"] = new JsonObject { ["model"] = new JsonObject { ["bucket"] = null } } });
            }

            var tail = new JsonArray(run.History.TakeLast(10).Select(l => (JsonNode)JsonValue.Create(l.ToJsonString())).ToArray());
            return Json(new JsonObject
            {
                ["data"] = new JsonObject
                {
                    ["model"] = new JsonObject
                    {
                        ["bucket"] = new JsonObject
                        {
                            ["id"] = "storage-" + name,
                            ["name"] = name,
                            ["historyLineCount"] = run.History.Count,
                            ["logLineCount"] = run.Output.Count,
                            ["historyTail"] = tail.ToJsonString(),
                            ["summaryMetrics"] = run.Summary.ToJsonString(),
                        },
                    },
                },
            });
        }

        Problem(request, "unknown GraphQL operation");
        return (400, null);
    }

    private (int, JsonNode?) FileStream(RecordedRequest request, string entity, string project, string name, JsonObject body)
    {
        if (entity != Entity || !Runs.TryGetValue(name, out var run) || run.Project != project)
        {
            Problem(request, "file_stream for a run that was not upserted");
            return (404, null);
        }

        if (body.Any(kv => kv.Key is not ("files" or "complete" or "exitcode" or "preempting" or "uploaded")))
        {
            Problem(request, "unknown top-level field");
        }

        foreach (var (file, chunk) in body["files"] as JsonObject ?? [])
        {
            if (chunk?["offset"]?.GetValueKind() != System.Text.Json.JsonValueKind.Number || chunk["content"] is not JsonArray content
                || content.Any(c => c?.GetValueKind() != System.Text.Json.JsonValueKind.String))
            {
                Problem(request, $"{file}: not {{\"offset\": int, \"content\": [string]}}");
                continue;
            }

            var offset = chunk["offset"]!.GetValue<int>();
            var lines = content.Select(c => c!.GetValue<string>()).ToList();
            switch (file)
            {
                case "wandb-history.jsonl":
                    if (offset != run.History.Count)
                    {
                        Problem(request, $"history offset {offset} but the run holds {run.History.Count} lines (a gap or an overwrite)");
                    }

                    foreach (var line in lines)
                    {
                        var row = JsonNode.Parse(line)!.AsObject();
                        if (!row.ContainsKey("_step") || !row.ContainsKey("_runtime") || !row.ContainsKey("_timestamp"))
                        {
                            Problem(request, "history line without _step/_runtime/_timestamp");
                        }

                        run.History.Add(row);
                    }

                    break;
                case "wandb-summary.json":
                    if (offset != 0 || lines.Count != 1)
                    {
                        Problem(request, "summary must be one line at offset 0");
                    }

                    run.Summary = JsonNode.Parse(lines[^1])!.AsObject();
                    break;
                case "output.log":
                    if (offset != run.Output.Count)
                    {
                        Problem(request, $"output offset {offset} but the run holds {run.Output.Count} lines");
                    }

                    run.Output.AddRange(lines);
                    break;
                default:
                    Problem(request, "unknown file " + file);
                    break;
            }
        }

        if (body["complete"]?.GetValue<bool>() == true)
        {
            run.ExitCodes.Add(body["exitcode"]?.GetValue<int>() ?? -1);
        }

        return Json(new JsonObject { ["exitcode"] = null, ["limits"] = new JsonObject() });
    }
}

internal sealed class WandbRun(string name, string project)
{
    public string Name { get; } = name;

    public string Project { get; } = project;

    public int Upserts { get; set; }

    public JsonObject Config { get; set; } = [];

    public IReadOnlyList<string> Tags { get; set; } = [];

    public string? DisplayName { get; set; }

    public List<JsonObject> History { get; } = [];

    public List<string> Output { get; } = [];

    public JsonObject Summary { get; set; } = [];

    /// <summary>The exit codes of each session that marked the run complete, in order.</summary>
    public List<int> ExitCodes { get; } = [];
}
