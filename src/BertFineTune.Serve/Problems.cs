using Microsoft.AspNetCore.Http;

namespace BertFineTune.Serve;

/// <summary>RFC 7807 answers for requests the server refuses. The detail says what is wrong and how to fix it.</summary>
internal static class Problems
{
    public static IResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "The request is malformed.");

    public static IResult TooLarge(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status413PayloadTooLarge, title: "The request is over the server's limits.");

    public static IResult UnsupportedMediaType(string? contentType) =>
        TypedResults.Problem(
            $"The body must be JSON sent with 'Content-Type: application/json' (got '{contentType ?? "none"}').",
            statusCode: StatusCodes.Status415UnsupportedMediaType,
            title: "Unsupported content type.");

    public static IResult Unauthorized() =>
        TypedResults.Problem(
            $"Send the API key in an 'X-API-Key' header or as 'Authorization: Bearer <key>' (the server reads it from {ApiKey.EnvironmentVariable}).",
            statusCode: StatusCodes.Status401Unauthorized,
            title: "A valid API key is required.");

    /// <summary>Adds a detail to the bodiless answers routing produces itself (wrong content type, path or method).</summary>
    public static void ExplainFrameworkProblem(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Detail is not null)
        {
            return;
        }

        var request = context.HttpContext.Request;
        problem.Detail = problem.Status switch
        {
            StatusCodes.Status415UnsupportedMediaType =>
                $"The body must be JSON sent with 'Content-Type: application/json' (got '{request.ContentType ?? "none"}').",
            StatusCodes.Status404NotFound => "No such endpoint. The API is POST /v1/classify, GET /v1/model, GET /healthz and GET /openapi/v1.json.",
            StatusCodes.Status405MethodNotAllowed => $"{request.Method} is not allowed here. The API is POST /v1/classify, GET /v1/model, GET /healthz and GET /openapi/v1.json.",
            _ => null,
        };
    }

    /// <summary>Seconds a client should wait before retrying a 503 (sent as <c>Retry-After</c>).</summary>
    public const int RetryAfterSeconds = 1;

    public static IResult ShuttingDown() =>
        TypedResults.Problem("The server is shutting down; retry against another instance.", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Shutting down.");

    public static IResult Busy(long maxInFlightBytes) =>
        TypedResults.Problem(
            $"The server is already working on {maxInFlightBytes / (1 << 20)} MiB of requests (--max-inflight-mb); retry after {RetryAfterSeconds} s, or send smaller requests.",
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Busy.");
}
