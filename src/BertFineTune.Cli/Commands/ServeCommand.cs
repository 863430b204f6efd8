using System.ComponentModel;
using BertFineTune.Diagnostics;
using BertFineTune.Inference;
using BertFineTune.Native;
using BertFineTune.Serve;
using Spectre.Console.Cli;

namespace BertFineTune.Cli.Commands;

/// <summary><c>bertft serve</c>: an HTTP API over a fine-tuned classifier, until Ctrl+C or SIGTERM.</summary>
public sealed class ServeCommand : AsyncCommand<ServeCommand.Settings>
{
    public sealed class Settings : ModelSettings
    {
        [CommandOption("--urls <URLS>")]
        [Description("Where to listen, ';'-separated. Loopback only by default.")]
        [DefaultValue(ServeOptions.DefaultUrl)]
        public string Urls { get; init; } = ServeOptions.DefaultUrl;

        [CommandOption("--max-batch <N>")]
        [Description("The most texts merged into one micro-batch (run as length-sorted model runs of up to 16 texts).")]
        [DefaultValue(64)]
        public int MaxBatch { get; init; } = 64;

        [CommandOption("--batch-window-ms <MS>")]
        [Description("How long the first request of a batch waits for others.")]
        [DefaultValue(5.0)]
        public double BatchWindowMs { get; init; } = 5;

        [CommandOption("--max-texts <N>")]
        [Description("The most texts per request.")]
        [DefaultValue(256)]
        public int MaxTexts { get; init; } = 256;

        [CommandOption("--max-chars <N>")]
        [Description("The most characters per text.")]
        [DefaultValue(10_000)]
        public int MaxChars { get; init; } = 10_000;

        [CommandOption("--max-inflight-mb <MB>")]
        [Description("The most MiB of classify request bodies worked on at once; more gets 503 with Retry-After.")]
        [DefaultValue(32)]
        public int MaxInFlightMb { get; init; } = 32;

        [CommandOption("--json-logs")]
        [Description("Log one JSON object per line.")]
        public bool JsonLogs { get; init; }

        public ServeOptions ToServeOptions(ApiKey? apiKey) => new()
        {
            Urls = Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            MaxBatch = MaxBatch,
            BatchWindow = TimeSpan.FromMilliseconds(BatchWindowMs),
            MaxTexts = MaxTexts,
            MaxChars = MaxChars,
            MaxInFlightBytes = (long)MaxInFlightMb << 20,
            ApiKey = apiKey,
            JsonLogs = JsonLogs,
        };

        // A micro-batch runs as length-sorted model runs of the usual size; ONNX Runtime's threads sleep between runs so
        // Kestrel keeps its share of the cores.
        public TextClassifierOptions ToClassifierOptions() =>
            ToClassifierOptions(Math.Clamp(MaxBatch, 1, OnnxClassifierOptions.DefaultBatchSize)) with { OnnxSpinBetweenRuns = false };
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // Options and the key are checked before the (slow) model load.
        var options = settings.ToServeOptions(ApiKey.FromEnvironment());
        options.ThrowIfInvalid();
        TorchNativeLoader.EnsureLoaded();
        ThrowIfDeviceMissing(settings.Device);
        using var classifier = TextClassifier.Load(settings.Model, settings.ToClassifierOptions(), cancellationToken);
        await using var server = await ClassifierServer.StartAsync(classifier, options, cancellationToken: cancellationToken);
        await server.WaitForShutdownAsync(cancellationToken);
        return 0;
    }

    /// <summary>Before the model load: asking a CPU-only build (or a machine without a GPU) for CUDA is one BFT406 line, not a crash.</summary>
    private static void ThrowIfDeviceMissing(string device)
    {
        if (device.StartsWith("cuda", StringComparison.OrdinalIgnoreCase) && !TorchSharp.torch.cuda.is_available())
        {
            throw new UserErrorException(
                "BFT406",
                $"Device '{device}' was asked for, but CUDA is not available in this build or on this machine. Use --device cpu.",
                key: "--device");
        }
    }
}
