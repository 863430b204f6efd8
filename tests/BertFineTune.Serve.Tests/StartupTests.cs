using BertFineTune.Diagnostics;
using BertFineTune.Native;
using BertFineTune.Serve.Tests.Support;
using BertFineTune.Tests.Inference.Support;

namespace BertFineTune.Serve.Tests;

public class StartupTests
{
    public StartupTests() => TorchNativeLoader.EnsureLoaded();

    [Fact]
    public async Task A_port_already_in_use_is_a_user_error_naming_the_address()
    {
        await using var first = await RunningServer.StartAsync();
        using var classifier = TinyClassifiers.Sentiment();
        var taken = first.BaseAddress.ToString().TrimEnd('/');

        var error = await Assert.ThrowsAsync<UserErrorException>(() => ClassifierServer.StartAsync(classifier, new ServeOptions { Urls = [taken] }, logging => { }));

        Assert.Equal("BFT411", error.Errors.Single().Code);
        Assert.Contains(taken, error.Errors.Single().Message, StringComparison.Ordinal);
        using var stillServing = await first.Client.GetAsync("/healthz");
        Assert.Equal(200, (int)stillServing.StatusCode);
    }

    [Fact]
    public async Task Waiting_for_shutdown_ends_when_the_token_is_cancelled_and_the_server_then_refuses_connections()
    {
        await using var server = await RunningServer.StartAsync();
        using var stop = new CancellationTokenSource();
        var waiting = server.Server.WaitForShutdownAsync(stop.Token);
        using var before = await server.Client.GetAsync("/healthz");

        Assert.False(waiting.IsCompleted);
        await stop.CancelAsync();
        await waiting.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(200, (int)before.StatusCode);
        await Assert.ThrowsAsync<HttpRequestException>(() => server.Client.GetAsync("/healthz"));
    }

    [Fact]
    public void The_default_address_is_loopback()
    {
        var url = new Uri(new ServeOptions().Urls.Single());

        Assert.True(url.IsLoopback);
        Assert.Equal("127.0.0.1", url.Host);
    }
}
