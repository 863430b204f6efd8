using BertFineTune.Diagnostics;

namespace BertFineTune.Config;

/// <summary>
/// Loads a YAML config into a validated <see cref="BertFineTuneConfig"/>: YAML with line/column → <c>${VAR}</c>
/// interpolation → <c>--set</c> overrides → typed binding → schema checks → cross-field rules → credential fallbacks.
/// Every error of every step is collected and thrown together as one <see cref="UserErrorException"/>.
/// </summary>
public sealed class ConfigLoader(ConfigLoaderOptions options)
{
    /// <summary>The credential keys, the environment variables they fall back to.</summary>
    public static IReadOnlyList<(string Key, string Variable)> Secrets { get; } =
        [("credentials.huggingface_token", "HF_TOKEN"), ("credentials.wandb_api_key", "WANDB_API_KEY")];

    public ConfigLoader()
        : this(new ConfigLoaderOptions())
    {
    }

    /// <summary>Loads <paramref name="path"/> with the machine's environment.</summary>
    public static Task<LoadedConfig> LoadAsync(string path, IReadOnlyList<string> overrides, CancellationToken cancellationToken = default) =>
        new ConfigLoader().LoadFileAsync(path, overrides, cancellationToken);

    public async Task<LoadedConfig> LoadFileAsync(string path, IReadOnlyList<string> overrides, CancellationToken cancellationToken = default)
    {
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            var hint = Directory.Exists(fullPath) ? "it is a folder; name the YAML file inside it" : "check the path, or create one with 'bertft init'";
            throw new UserErrorException(new UserError(ConfigErrorCodes.FileNotFound, $"config file not found: {fullPath} ({hint}).", path));
        }

        var yaml = await ReadBoundedAsync(fullPath, path, cancellationToken);
        return Load(yaml, path, Path.GetDirectoryName(fullPath)!, overrides);
    }

    /// <summary>
    /// The file's text, refusing what is not a regular file (a device never ends, a FIFO blocks) and a file larger than
    /// <see cref="YamlLimits.MaxFileBytes"/>; at most that many bytes (plus one) are ever read, whatever the file claims.
    /// </summary>
    private static async Task<string> ReadBoundedAsync(string fullPath, string shownPath, CancellationToken cancellationToken)
    {
        var kind = IO.FileKind.Of(fullPath);
        if (kind != IO.FileKindValue.Regular)
        {
            throw new UserErrorException(new UserError(
                ConfigErrorCodes.FileNotFound,
                $"the config path {fullPath} is {IO.FileKind.Describe(kind)}, not a regular file; point it at the YAML file itself.",
                shownPath));
        }

        await using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > YamlLimits.MaxFileBytes)
            {
                throw new UserErrorException(new UserError(
                    ConfigErrorCodes.FileTooLarge,
                    $"the config file is larger than {YamlLimits.MaxFileBytes / (1024 * 1024)} MiB, the most read; a config is a few kilobytes. "
                    + "Check that this is the YAML config, and keep large label lists in the data (label_map is for renaming a few labels).",
                    shownPath));
            }
        }

        buffer.Position = 0;
        using var reader = new StreamReader(buffer, detectEncodingFromByteOrderMarks: true);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    /// <summary>
    /// Loads YAML text. <paramref name="displayPath"/> is how errors name the file (as the user typed it);
    /// <paramref name="baseDirectory"/> is the file's folder, against which the config's relative paths resolve.
    /// </summary>
    public LoadedConfig Load(string yaml, string displayPath, string baseDirectory, IReadOnlyList<string> overrides)
    {
        var errors = new List<UserError>();
        var root = YamlConfigReader.Read(yaml, displayPath, options.Environment, errors);
        if (errors.Any(e => e.Code is ConfigErrorCodes.YamlSyntax or ConfigErrorCodes.DuplicateKey or ConfigErrorCodes.YamlLimit))
        {
            throw new UserErrorException(errors);
        }

        root = ConfigOverrides.Apply(root, overrides, errors);
        var sources = SourceMap.Build(displayPath, root);
        var binder = new ConfigBinder();
        var config = BertFineTuneConfig.Bind(root, string.Empty, binder);
        // An unset ${VAR} already explains why its value is empty; the type error it causes would only repeat it.
        var undefined = errors.Where(e => e.Code == ConfigErrorCodes.UndefinedVariable).Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        errors.AddRange(binder.Errors.Where(e => !undefined.Contains(e.Key)));

        // A key that failed to bind keeps its default; the schema checks below would only repeat that error.
        var failedKeys = binder.Errors.Select(e => e.Key).OfType<string>().ToHashSet(StringComparer.Ordinal);
        errors.AddRange(config.Validate().Where(e => !IsUnder(e.Key, failedKeys)).Select(sources.Attach));

        var warnings = new List<UserError>();
        config = ApplySecrets(config, root, sources, warnings);
        config = Tracking.TrackingConfigRules.Apply(config, options.Environment, sources, errors);
        if (config.Hyperparameters?.Fp16 == Fp16Mode.True && !options.CudaAvailable())
        {
            warnings.Add(sources.Error(
                "hyperparameters.fp16",
                ConfigErrorCodes.Fp16WithoutCuda,
                "fp16: true needs a CUDA GPU and none is available; on a CPU, training falls back to bf16. Use fp16: auto to choose by machine.",
                Severity.Warning));
        }

        if (errors.Count > 0)
        {
            throw new UserErrorException([.. Sort(errors), .. warnings]);
        }

        var configPath = Path.IsPathRooted(displayPath) ? displayPath : Path.Combine(baseDirectory, Path.GetFileName(displayPath));
        return new LoadedConfig(config, Path.GetFullPath(configPath), baseDirectory, warnings, sources);
    }

    private BertFineTuneConfig ApplySecrets(BertFineTuneConfig config, ConfigNode root, SourceMap sources, List<UserError> warnings)
    {
        if (config.Credentials is null)
        {
            return config;
        }

        foreach (var (key, variable) in Secrets)
        {
            // Written in the file itself (not ${VAR}, not --set): whoever reads the file gets the secret.
            if (Find(root, key) is ConfigScalar { Value.Length: > 0, HadVariables: false, Location.Line: not null } literal)
            {
                warnings.Add(literal.Location.Error(
                    ConfigErrorCodes.LiteralSecret,
                    $"a secret is written in the config file; remove it and set the {variable} environment variable (or write ${{{variable}}}).",
                    key,
                    Severity.Warning));
            }
        }

        var credentials = config.Credentials;
        return config with
        {
            Credentials = credentials with
            {
                HuggingfaceToken = NonEmpty(credentials.HuggingfaceToken) ?? NonEmpty(options.Environment("HF_TOKEN")),
                WandbApiKey = NonEmpty(credentials.WandbApiKey) ?? NonEmpty(options.Environment("WANDB_API_KEY")),
            },
        };
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static ConfigNode? Find(ConfigNode root, string key)
    {
        ConfigNode? node = root;
        foreach (var part in key.Split('.'))
        {
            node = (node as ConfigMapping)?.Find(part)?.Value;
        }

        return node;
    }

    private static bool IsUnder(string? key, HashSet<string> failed)
    {
        for (var current = key; !string.IsNullOrEmpty(current); current = SourceMap.Parent(current))
        {
            if (failed.Contains(current))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>File order: errors read top to bottom like the YAML; <c>--set</c> errors (no line) last.</summary>
    private static IEnumerable<UserError> Sort(List<UserError> errors) =>
        errors.OrderBy(e => e.Line is null).ThenBy(e => e.Line ?? 0).ThenBy(e => e.Column ?? 0);
}
