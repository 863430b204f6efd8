namespace BertFineTune.Config;

/// <summary><c>config.schema.json</c>, embedded in Core so the packed <c>bertft</c> tool carries it.</summary>
public static class ConfigSchema
{
    public const string FileName = "config.schema.json";

    public static string ReadJson()
    {
        using var stream = typeof(ConfigSchema).Assembly.GetManifestResourceStream("BertFineTune.config.schema.json")
            ?? throw new InvalidOperationException("config.schema.json is not embedded in BertFineTune.Core; the build is broken.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
