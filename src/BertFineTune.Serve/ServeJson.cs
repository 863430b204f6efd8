using System.Text.Json;
using System.Text.Json.Serialization;

namespace BertFineTune.Serve;

/// <summary>
/// The wire format: exact snake_case names. Unknown properties, names in another case (<c>"Texts"</c>) and a property
/// given twice are errors: a typo or an ambiguous body must not pass silently.
/// </summary>
internal static class ServeJson
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.NumberHandling = JsonNumberHandling.Strict;
        // ASP.NET's web defaults match names case-insensitively; "Texts" is not "texts".
        options.PropertyNameCaseInsensitive = false;
        // {"texts":["a"],"texts":["b"]}: which one the client meant is unknowable, so neither is taken.
        options.AllowDuplicateProperties = false;
    }
}
