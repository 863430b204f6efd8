using BertFineTune.Inference;
using BertFineTune.Tests.Inference.Support;
using Microsoft.Extensions.Logging;

namespace BertFineTune.Serve.Tests.Support;

/// <summary>A real Kestrel server on a free loopback port, serving the tiny test classifier, with a client and its logs.</summary>
public sealed class RunningServer : IAsyncDisposable
{
    private RunningServer(ClassifierServer server, TextClassifier classifier, CapturedLogs logs)
    {
        Server = server;
        Classifier = classifier;
        Logs = logs;
        BaseAddress = new Uri(server.Addresses.Single());
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
    }

    public ClassifierServer Server { get; }

    /// <summary>The served classifier, for expected answers.</summary>
    public TextClassifier Classifier { get; }

    public CapturedLogs Logs { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public static async Task<RunningServer> StartAsync(ServeOptions? options = null, bool multiLabel = false)
    {
        var classifier = multiLabel ? TinyClassifiers.Topics() : TinyClassifiers.Sentiment();
        var logs = new CapturedLogs();
        var serveOptions = (options ?? new ServeOptions()) with { Urls = ["http://127.0.0.1:0"] };
        var server = await ClassifierServer.StartAsync(classifier, serveOptions, logging =>
        {
            logging.SetMinimumLevel(LogLevel.Debug);
            logging.AddProvider(logs);
        });
        return new RunningServer(server, classifier, logs);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        Classifier.Dispose();
    }
}
