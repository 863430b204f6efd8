using BertFineTune.Config;
using BertFineTune.Diagnostics;

namespace BertFineTune.Tests.Config;

/// <summary>Loads YAML text with a controlled environment and no CUDA, and captures the thrown errors.</summary>
internal static class TestConfigs
{
    public const string File = "config.yaml";

    /// <summary>The smallest valid config: one dataset entry, everything else at its default.</summary>
    public const string Minimal = """
        dataset:
          - filepath: data.csv
        """;

    public static ConfigLoader Loader(Dictionary<string, string>? environment = null, bool cuda = false) =>
        new(new ConfigLoaderOptions
        {
            Environment = name => environment is not null && environment.TryGetValue(name, out var value) ? value : null,
            CudaAvailable = () => cuda,
        });

    public static LoadedConfig Load(string yaml, Dictionary<string, string>? environment = null, bool cuda = false, params string[] overrides) =>
        Loader(environment, cuda).Load(yaml, File, "/base", overrides);

    public static IReadOnlyList<UserError> Errors(string yaml, Dictionary<string, string>? environment = null, params string[] overrides)
    {
        var exception = Assert.Throws<UserErrorException>(() => Load(yaml, environment, false, overrides));
        return exception.Errors;
    }

    public static UserError Single(string yaml, string code, params string[] overrides)
    {
        var errors = Errors(yaml, null, overrides).Where(e => e.Severity == Severity.Error).ToList();
        var error = Assert.Single(errors);
        Assert.Equal(code, error.Code);
        return error;
    }
}
