using System.Net;
using BertFineTune.Diagnostics;
using BertFineTune.Inference;
using BertFineTune.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace BertFineTune.Serve;

/// <summary>
/// <c>bertft serve</c>'s HTTP host: Kestrel with minimal APIs over a <see cref="TextClassifier"/> behind a
/// <see cref="MicroBatcher"/>. Endpoints: <c>POST /v1/classify</c>, <c>GET /v1/model</c>, <c>GET /healthz</c>,
/// <c>GET /openapi/v1.json</c>.
/// </summary>
/// <remarks>
/// Shutdown (<see cref="StopAsync"/>, Ctrl+C or SIGTERM) is graceful: from the signal on, every new request is answered
/// 503 with <c>Retry-After</c> (and its connection closed), requests already received are classified and answered (up to
/// <see cref="ServeOptions.ShutdownTimeout"/>), then Kestrel stops listening, and only then does the batcher stop.
/// Work admitted at once is bounded by <see cref="ServeOptions.MaxInFlightBytes"/>. The server does not own the classifier.
/// </remarks>
public sealed class ClassifierServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly MicroBatcher batcher;
    private readonly RequestAdmission admission;
    private readonly ServeOptions options;
    private readonly ILogger logger;
    private readonly Lock stopLock = new();
    private Task? stopping;
    private bool started;

    private ClassifierServer(WebApplication app, MicroBatcher batcher, ServeOptions options, ILogger logger)
    {
        this.app = app;
        this.batcher = batcher;
        this.options = options;
        this.logger = logger;
        admission = new RequestAdmission(options.MaxInFlightBytes);
    }

    /// <summary>The addresses actually bound (with the real port when a URL asked for port 0).</summary>
    public IReadOnlyList<string> Addresses { get; private set; } = [];

    /// <summary>Requests being answered right now (what a shutdown waits for).</summary>
    public int RequestsInProgress => admission.RequestsInProgress;

    /// <summary>The micro-batcher's counters: batches run, largest batch, requests answered.</summary>
    public MicroBatcherStatistics Statistics => batcher.Statistics;

    /// <summary>Starts listening; returns once the server accepts requests.</summary>
    /// <param name="classifier">The model to serve; the caller keeps ownership.</param>
    /// <param name="options">Addresses, batching and limits.</param>
    /// <param name="configureLogging">Replaces the console logging (tests capture logs this way).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="UserErrorException">An option is invalid or an address cannot be bound.</exception>
    public static async Task<ClassifierServer> StartAsync(
        TextClassifier classifier,
        ServeOptions options,
        Action<ILoggingBuilder>? configureLogging = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            // Names the OpenAPI document and its tag (otherwise the entry assembly, e.g. "testhost").
            ApplicationName = "bertft",
            // Production always: no developer exception pages, whatever ASPNETCORE_ENVIRONMENT says.
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls([.. options.Urls]);
        // https:// URLs take their certificate from configuration (Kestrel__Certificates__Default__Path and __Password).
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        ConfigureLogging(builder.Logging, options, configureLogging);
        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = Problems.ExplainFrameworkProblem);
        builder.Services.ConfigureHttpJsonOptions(json => ServeJson.Configure(json.SerializerOptions));
        builder.Services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "bertft serve";
            document.Info.Description = "Text classification with a fine-tuned BERT-family model. Errors are RFC 7807 problem details.";
            return Task.CompletedTask;
        }));
        builder.Services.AddSingleton(classifier);
        builder.Services.AddSingleton(options);

        var app = builder.Build();
        var batchLogger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("BertFineTune.Serve.Batches");
        var batcher = new MicroBatcher(classifier, new MicroBatcherOptions
        {
            MaxBatch = options.MaxBatch,
            BatchWindow = options.BatchWindow,
            OnBatch = report => LogBatch(batchLogger, report),
        });
        // When shutdown begins, queued requests run at once instead of waiting out their batch window.
        app.Lifetime.ApplicationStopping.Register(batcher.BeginDrain);
        var server = new ClassifierServer(app, batcher, options, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("BertFineTune.Serve"));
        server.MapPipeline(classifier, options);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            await server.DisposeAsync();
            throw new UserErrorException("BFT411", $"Cannot listen on {string.Join(", ", options.Urls)}: {e.Message} Choose another address or port with --urls.", key: "--urls");
        }
        catch (InvalidOperationException e) when (options.Urls.Any(u => u.StartsWith("https:", StringComparison.OrdinalIgnoreCase)))
        {
            await server.DisposeAsync();
            throw new UserErrorException(
                "BFT411",
                $"Cannot serve HTTPS: {e.Message} Set Kestrel__Certificates__Default__Path (and __Password) to a certificate, or serve http:// behind a TLS proxy.",
                key: "--urls");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        server.started = true;
        server.Addresses = [.. app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? []];
        server.WarnIfOpenToNetwork(options);
        ServeLog.Started(server.logger, classifier.Architecture, classifier.Source, classifier.Labels.Count, string.Join(", ", server.Addresses), options.MaxBatch, options.BatchWindow.TotalMilliseconds, options.ApiKey is null ? "off" : "required");
        return server;
    }

    /// <summary>Waits for Ctrl+C, SIGTERM, or <paramref name="cancellationToken"/>, then shuts down gracefully.</summary>
    public async Task WaitForShutdownAsync(CancellationToken cancellationToken = default)
    {
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStopping.Register(() => stopRequested.TrySetResult()))
        using (cancellationToken.Register(() => stopRequested.TrySetResult()))
        {
            await stopRequested.Task;
        }

        await StopAsync(CancellationToken.None);
    }

    /// <summary>Stops accepting connections, answers every request already received, then stops the batcher.</summary>
    /// <param name="cancellationToken">Cancelling aborts the remaining requests instead of waiting for them.</param>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (stopLock)
        {
            return stopping ??= StopCoreAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await app.DisposeAsync();
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Kestrel keeps listening while the requests in progress finish, so requests that arrive meanwhile get a
            // 503 with Retry-After instead of a refused or reset connection; queued batches run without their window.
            batcher.BeginDrain();
            try
            {
                await admission.BeginDrainAsync().WaitAsync(options.ShutdownTimeout, cancellationToken);
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
                // Out of time, or told not to wait: Kestrel's shutdown below aborts what is still running.
            }

            await app.StopAsync(cancellationToken);
        }
        finally
        {
            // Only after Kestrel has drained: the requests it waited for needed the batcher.
            await batcher.DisposeAsync();
            var stats = batcher.Statistics;
            if (started)
            {
                // A server that never started has nothing to report; its start failure is the one line the user sees.
                ServeLog.Stopped(logger, stats.BatchesRun, stats.TextsProcessed, stats.MaxBatchTexts, stats.MaxBatchRequests);
            }
        }
    }

    private void MapPipeline(TextClassifier classifier, ServeOptions options)
    {
        var requestLogger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(ServeLog.RequestCategory);
        app.Use(next => Middleware.LogRequests(next, requestLogger));
        app.Use(next => Middleware.RefuseWhileDraining(next, admission));
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        if (options.ApiKey is { } key)
        {
            app.Use(next => Middleware.RequireApiKey(next, key));
        }

        app.MapOpenApi();
        app.MapGet("/healthz", () => TypedResults.Ok(new HealthStatus("ok")))
            .WithName("Health")
            .WithSummary("Liveness: 200 while the server accepts requests.");
        app.MapGet("/v1/model", () => TypedResults.Ok(Describe(classifier, options)))
            .WithName("GetModel")
            .WithSummary("The served model: labels, max length, architecture and where it came from.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        // The body is read by the handler, not bound by the framework, so every bad body gets our own problem details.
        app.MapPost("/v1/classify", (HttpContext context, IOptions<JsonOptions> json) => ClassifyEndpoint.HandleAsync(context, batcher, admission, options, classifier, json))
            .WithName("Classify")
            .WithSummary("Classifies texts; concurrent requests are micro-batched.")
            .Accepts<ClassifyRequest>("application/json")
            .Produces<ClassifyResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static ModelInfo Describe(TextClassifier classifier, ServeOptions options) => new(
        classifier.ModelType,
        classifier.Architecture,
        classifier.ProblemType == ProblemType.MultiLabelClassification ? "multi_label_classification" : "single_label_classification",
        classifier.Labels,
        classifier.MaxLength,
        classifier.Source,
        new ServeLimits(options.MaxTexts, options.MaxChars, options.MaxBatch, options.BatchWindow.TotalMilliseconds, options.MaxInFlightBytes));

    private static void ConfigureLogging(ILoggingBuilder logging, ServeOptions options, Action<ILoggingBuilder>? custom)
    {
        logging.ClearProviders();
        // ASP.NET's own request logs include query strings; ours (BertFineTune.Serve.Requests) do not.
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // A failed start (a port in use, a bad certificate) is reported once, as a BFT411 line; the host's own log of
        // it is a multi-kilobyte stack trace. Its lifetime lines repeat what ServeLog.Started/Stopped say.
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        if (custom is not null)
        {
            custom(logging);
        }
        else if (options.JsonLogs)
        {
            logging.AddJsonConsole(json =>
            {
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                json.UseUtcTimestamp = true;
            });
        }
        else
        {
            logging.AddSimpleConsole(simple =>
            {
                simple.SingleLine = true;
                simple.TimestampFormat = "HH:mm:ss.fff ";
            });
        }
    }

    private static void LogBatch(ILogger logger, MicroBatchReport report)
    {
        if (report.Failed)
        {
            ServeLog.BatchFailed(logger, report.Texts, report.Requests);
        }
        else
        {
            ServeLog.Batch(logger, report.Texts, report.Requests, report.Elapsed.TotalMilliseconds);
        }
    }

    private void WarnIfOpenToNetwork(ServeOptions options)
    {
        if (options.ApiKey is not null)
        {
            return;
        }

        foreach (var address in Addresses)
        {
            if (Uri.TryCreate(address, UriKind.Absolute, out var uri) && !uri.IsLoopback && !(IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip)))
            {
                ServeLog.OpenToNetwork(logger, address, ApiKey.EnvironmentVariable);
            }
        }
    }
}
