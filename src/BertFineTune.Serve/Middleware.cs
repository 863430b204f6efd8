using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BertFineTune.Serve;

/// <summary>The server's own middleware: the request log and the API key check.</summary>
internal static class Middleware
{
    /// <summary>One structured line per request with method, path (never the query), status, time, and text count and length.</summary>
    public static RequestDelegate LogRequests(RequestDelegate next, ILogger logger) => async context =>
    {
        var metrics = new RequestMetrics();
        context.Features.Set(metrics);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var status = context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted ? 499 : context.Response.StatusCode;
            ServeLog.Request(logger, context.Request.Method, context.Request.Path.Value ?? "/", status, Stopwatch.GetElapsedTime(started).TotalMilliseconds, metrics.Texts, metrics.Chars);
        }
    };

    /// <summary>
    /// Counts each request as in progress so shutdown can wait for it; once shutdown has begun, answers every new
    /// request (on a new or a kept-alive connection) 503 with <c>Retry-After</c> and closes the connection.
    /// </summary>
    public static RequestDelegate RefuseWhileDraining(RequestDelegate next, RequestAdmission admission) => async context =>
    {
        if (!admission.TryBeginRequest())
        {
            context.Response.Headers.RetryAfter = Problems.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Response.Headers.Connection = "close";
            await Problems.ShuttingDown().ExecuteAsync(context);
            return;
        }

        try
        {
            await next(context);
        }
        finally
        {
            admission.EndRequest();
        }
    };

    /// <summary>Refuses <c>/v1/*</c> without the key with 401; health and OpenAPI stay open for probes and tooling.</summary>
    public static RequestDelegate RequireApiKey(RequestDelegate next, ApiKey key) => async context =>
    {
        if (!context.Request.Path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase) || key.Matches(PresentedKey(context.Request)))
        {
            await next(context);
            return;
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        await Problems.Unauthorized().ExecuteAsync(context);
    };

    private static string? PresentedKey(HttpRequest request)
    {
        if (request.Headers.TryGetValue("X-API-Key", out var header) && header.Count == 1)
        {
            return header[0];
        }

        var authorization = request.Headers.Authorization.ToString();
        const string bearer = "Bearer ";
        return authorization.StartsWith(bearer, StringComparison.OrdinalIgnoreCase) ? authorization[bearer.Length..].Trim() : null;
    }
}
