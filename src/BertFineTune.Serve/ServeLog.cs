using Microsoft.Extensions.Logging;

namespace BertFineTune.Serve;

/// <summary>The server's log events. Texts never appear in them, only counts and lengths; the API key never does.</summary>
internal static partial class ServeLog
{
    public const string RequestCategory = "BertFineTune.Serve.Requests";

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Method} {Path} {StatusCode} {ElapsedMs:0.0} ms texts={Texts} chars={Chars}")]
    public static partial void Request(ILogger logger, string method, string path, int statusCode, double elapsedMs, int? texts, long? chars);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Batch of {Texts} texts from {Requests} requests in {ElapsedMs:0.0} ms")]
    public static partial void Batch(ILogger logger, int texts, int requests, double elapsedMs);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "A batch of {Texts} texts from {Requests} requests failed")]
    public static partial void BatchFailed(ILogger logger, int texts, int requests);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Serving {Architecture} ({Source}) with {Labels} labels on {Addresses}; max batch {MaxBatch}, window {WindowMs} ms, api key {KeyState}")]
    public static partial void Started(ILogger logger, string architecture, string source, int labels, string addresses, int maxBatch, double windowMs, string keyState);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Listening on a non-loopback address ({Address}) without an API key: anyone who can reach it can use the model. Set {Variable} to require one.")]
    public static partial void OpenToNetwork(ILogger logger, string address, string variable);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Stopped after {Batches} batches, {Texts} texts, largest batch {MaxBatchTexts} texts from {MaxBatchRequests} requests")]
    public static partial void Stopped(ILogger logger, long batches, long texts, int maxBatchTexts, int maxBatchRequests);
}
