using BertFineTune.Native;
using BertFineTune.Serve.Tests.Support;

namespace BertFineTune.Serve.Tests;

public class BadRequestTests
{
    public BadRequestTests() => TorchNativeLoader.EnsureLoaded();

    public static TheoryData<string, string?, int, string> BadBodies => new()
    {
        { "{\"texts\": [\"unterminated\"", "application/json", 400, "not valid JSON" },
        { "{\"texts\": [\"a\"] trailing", "application/json", 400, "not valid JSON" },
        { string.Empty, "application/json", 400, "not valid JSON" },
        { "texts=hello", "text/plain", 415, "application/json" },
        { "{\"texts\": [\"a\"]}", null, 415, "application/json" },
        { "{\"texts\": []}", "application/json", 400, "empty" },
        { "{}", "application/json", 400, "no \"texts\" array" },
        { "null", "application/json", 400, "no \"texts\" array" },
        { "{\"text\": [\"a\"]}", "application/json", 400, "$.text" },
        { "{\"texts\": \"a\"}", "application/json", 400, "$.texts" },
        { "{\"texts\": [1, 2]}", "application/json", 400, "$.texts[0]" },
        { "{\"texts\": [\"a\", null]}", "application/json", 400, "texts[1] is null" },
        { "[\"a\"]", "application/json", 400, "not valid JSON" },
        { "{\"texts\": [\"a\"], \"texts\": [\"b\", \"c\"]}", "application/json", 400, "$.texts" },
        { "{\"Texts\": [\"a\"]}", "application/json", 400, "$.Texts" },
        { "{\"TEXTS\": [\"a\"]}", "application/json", 400, "$.TEXTS" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Each_bad_request_gets_its_4xx_problem_details(string body, string? contentType, int status, string detailPart)
    {
        await using var server = await RunningServer.StartAsync();
        using var content = new StringContent(body);
        content.Headers.ContentType = contentType is null ? null : new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);

        using var response = await server.Client.PostAsync("/v1/classify", content);

        var detail = await Http.AssertProblemAsync(response, status);
        Assert.Contains(detailPart, detail, StringComparison.Ordinal);
        Assert.Equal(0, server.Server.Statistics.RequestsSubmitted);
    }

    [Fact]
    public async Task Invalid_utf8_and_deep_nesting_are_bad_requests_not_server_errors()
    {
        await using var server = await RunningServer.StartAsync();
        byte[] invalidUtf8 = [.. "{\"texts\": [\""u8, 0xFF, 0xFE, .. "\"]}"u8];
        using var binary = new ByteArrayContent(invalidUtf8);
        binary.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var nested = "{\"texts\": " + new string('[', 200) + new string(']', 200) + "}";

        using var badBytes = await server.Client.PostAsync("/v1/classify", binary);
        using var deep = await server.Client.PostAsync("/v1/classify", Http.Json(nested));

        await Http.AssertProblemAsync(badBytes, 400);
        await Http.AssertProblemAsync(deep, 400);
    }

    [Fact]
    public async Task Unknown_paths_and_methods_get_problem_details_too()
    {
        await using var server = await RunningServer.StartAsync();

        using var missing = await server.Client.GetAsync("/v1/nothing-here");
        using var wrongMethod = await server.Client.GetAsync("/v1/classify");

        await Http.AssertProblemAsync(missing, 404);
        await Http.AssertProblemAsync(wrongMethod, 405);
    }

    [Fact]
    public async Task Requests_over_the_limits_get_413_and_requests_at_the_limits_pass()
    {
        await using var server = await RunningServer.StartAsync(new ServeOptions { MaxTexts = 3, MaxChars = 50 });
        var fifty = new string('a', 50);

        using var atLimits = await server.Client.PostAsync("/v1/classify", Http.Texts(fifty, fifty, fifty));
        using var tooMany = await server.Client.PostAsync("/v1/classify", Http.Texts("a", "b", "c", "d"));
        using var tooLong = await server.Client.PostAsync("/v1/classify", Http.Texts("short", fifty + "b"));
        using var hugeBody = await server.Client.PostAsync("/v1/classify", Http.Texts(new string('z', 20_000)));

        Assert.Equal(200, (int)atLimits.StatusCode);
        Assert.Contains("limit is 3", await Http.AssertProblemAsync(tooMany, 413), StringComparison.Ordinal);
        Assert.Contains("texts[1] has 51 characters; the limit is 50", await Http.AssertProblemAsync(tooLong, 413), StringComparison.Ordinal);
        Assert.Contains("larger than", await Http.AssertProblemAsync(hugeBody, 413), StringComparison.Ordinal);
        Assert.Equal(1, server.Server.Statistics.RequestsSubmitted);
    }
}
