using System.Text.Json;
using BertFineTune.Inference;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace BertFineTune.Serve;

/// <summary><c>POST /v1/classify</c>: checks the request, then classifies its texts through the micro-batcher.</summary>
internal static class ClassifyEndpoint
{
    private const string Shape = "Send a JSON object like {\"texts\": [\"first text\", \"second text\"]}.";

    public static async Task<IResult> HandleAsync(
        HttpContext context, MicroBatcher batcher, RequestAdmission admission, ServeOptions options, TextClassifier classifier, IOptions<JsonOptions> json)
    {
        var request = context.Request;
        if (!request.HasJsonContentType())
        {
            return Problems.UnsupportedMediaType(request.ContentType);
        }

        // Admission before the body is read: its declared length counts against --max-inflight-mb until the request is
        // answered, so concurrent large requests cannot pile up in memory. A body without a declared length (chunked)
        // is counted as it is read, and refused as soon as it would go over.
        var reservation = new BodyReservation(admission, Math.Min(request.ContentLength ?? 0, options.MaxRequestBodyBytes));
        if (!admission.TryReserve(reservation.Bytes))
        {
            return Busy(context, options);
        }

        try
        {
            if (request.ContentLength is null)
            {
                request.Body = new CountedBody(request.Body, reservation);
            }

            return await ClassifyAsync(context, batcher, options, classifier, json);
        }
        catch (InFlightBudgetExceededException)
        {
            return Busy(context, options);
        }
        finally
        {
            admission.Release(reservation.Bytes);
        }
    }

    private static IResult Busy(HttpContext context, ServeOptions options)
    {
        context.Response.Headers.RetryAfter = Problems.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problems.Busy(options.MaxInFlightBytes);
    }

    private static async Task<IResult> ClassifyAsync(HttpContext context, MicroBatcher batcher, ServeOptions options, TextClassifier classifier, IOptions<JsonOptions> json)
    {
        var request = context.Request;
        ClassifyRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<ClassifyRequest>(request.Body, json.Value.SerializerOptions, context.RequestAborted);
        }
        catch (JsonException e)
        {
            // The location only: JsonException's own message names .NET types, which mean nothing to API clients.
            var where = e.LineNumber is { } line ? $" (JSON error at line {line + 1}, byte {e.BytePositionInLine + 1}" : " (JSON error";
            var path = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? ")" : $", at {e.Path})";
            return Problems.BadRequest($"The body is not valid JSON or not a valid request{where}{path}. {Shape}");
        }
        catch (BadHttpRequestException e)
        {
            return e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? Problems.TooLarge($"The body is larger than {options.MaxRequestBodyBytes} bytes. Send fewer or shorter texts per request.")
                : TypedResults.Problem("The body could not be read: " + e.Message, statusCode: e.StatusCode);
        }

        if (body?.Texts is not { } texts)
        {
            return Problems.BadRequest($"The body has no \"texts\" array. {Shape}");
        }

        var metrics = context.Features.Get<RequestMetrics>();
        if (metrics is not null)
        {
            metrics.Texts = texts.Count;
            metrics.Chars = texts.Sum(t => (long)(t?.Length ?? 0));
        }

        if (Check(texts, options) is { } refusal)
        {
            return refusal;
        }

        IReadOnlyList<TextPrediction> predictions;
        try
        {
            predictions = await batcher.PredictAsync(texts!, context.RequestAborted);
        }
        catch (ObjectDisposedException) when (!context.RequestAborted.IsCancellationRequested)
        {
            return Problems.ShuttingDown();
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client left; nobody reads this answer.
            return TypedResults.Empty;
        }

        var labels = classifier.Labels;
        return TypedResults.Ok(new ClassifyResponse(predictions.Select(p => new Classification(
            p.Label,
            p.Score,
            p.PredictedLabels,
            labels.Select((label, i) => (label, i)).ToDictionary(x => x.label, x => p.Probabilities[x.i]))).ToArray()));
    }

    private static IResult? Check(IReadOnlyList<string?> texts, ServeOptions options)
    {
        if (texts.Count == 0)
        {
            return Problems.BadRequest("\"texts\" is empty; send at least one text.");
        }

        if (texts.Count > options.MaxTexts)
        {
            return Problems.TooLarge($"The request has {texts.Count} texts; the limit is {options.MaxTexts} per request (--max-texts). Split it into smaller requests.");
        }

        for (var i = 0; i < texts.Count; i++)
        {
            if (texts[i] is not { } text)
            {
                return Problems.BadRequest($"texts[{i}] is null; every item must be a string.");
            }

            if (text.Length > options.MaxChars)
            {
                return Problems.TooLarge($"texts[{i}] has {text.Length} characters; the limit is {options.MaxChars} (--max-chars). Shorten or split it.");
            }
        }

        return null;
    }
}
