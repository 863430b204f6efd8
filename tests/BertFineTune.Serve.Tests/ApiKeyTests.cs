using BertFineTune.Diagnostics;
using BertFineTune.Native;
using BertFineTune.Serve.Tests.Support;

namespace BertFineTune.Serve.Tests;

public class ApiKeyTests
{
    private const string Key = "test-key-7f3a9c01d2";

    public ApiKeyTests() => TorchNativeLoader.EnsureLoaded();

    [Fact]
    public async Task With_a_key_set_a_missing_or_wrong_key_gets_401_and_the_right_key_passes()
    {
        await using var server = await RunningServer.StartAsync(new ServeOptions { ApiKey = ApiKey.FromSecret(Key) });

        using var missing = await server.Client.SendAsync(Http.Post("/v1/classify", Http.Texts("hello")));
        using var wrongHeader = await server.Client.SendAsync(Http.Post("/v1/classify", Http.Texts("hello"), apiKey: Key + "x"));
        using var wrongBearer = await server.Client.SendAsync(Http.Post("/v1/classify", Http.Texts("hello"), bearer: Key[..^1]));
        using var modelWithoutKey = await server.Client.GetAsync("/v1/model");
        using var rightHeader = await server.Client.SendAsync(Http.Post("/v1/classify", Http.Texts("hello"), apiKey: Key));
        using var rightBearer = await server.Client.SendAsync(Http.Post("/v1/classify", Http.Texts("hello"), bearer: Key));
        using var health = await server.Client.GetAsync("/healthz");

        await Http.AssertProblemAsync(missing, 401);
        await Http.AssertProblemAsync(wrongHeader, 401);
        await Http.AssertProblemAsync(wrongBearer, 401);
        await Http.AssertProblemAsync(modelWithoutKey, 401);
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(200, (int)rightHeader.StatusCode);
        Assert.Equal(200, (int)rightBearer.StatusCode);
        Assert.Equal(200, (int)health.StatusCode);
        await server.Server.StopAsync();
        Assert.DoesNotContain(server.Logs.Lines, l => l.Contains(Key[..8], StringComparison.Ordinal));
    }

    [Fact]
    public void The_key_is_compared_by_value_and_never_printed()
    {
        var key = ApiKey.FromSecret(Key);

        Assert.True(key.Matches(Key));
        Assert.False(key.Matches(Key.ToUpperInvariant()));
        Assert.False(key.Matches(string.Empty));
        Assert.False(key.Matches(null));
        Assert.DoesNotContain(Key, key.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Key, new ServeOptions { ApiKey = key }.ToString(), StringComparison.Ordinal);
        Assert.Equal("BFT413", Assert.Throws<UserErrorException>(() => ApiKey.FromSecret("  ")).Errors.Single().Code);
    }
}
