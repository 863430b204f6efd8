using System.Text.Json;
using System.Text.Json.Serialization;

namespace BertFineTune.Serve;

/// <summary>The wire format: snake_case names, and unknown properties are errors (a typo like "text" must not pass silently).</summary>
internal static class ServeJson
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.NumberHandling = JsonNumberHandling.Strict;
    }
}
