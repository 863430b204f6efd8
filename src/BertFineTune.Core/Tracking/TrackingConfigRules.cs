using BertFineTune.Config;
using BertFineTune.Diagnostics;

namespace BertFineTune.Tracking;

/// <summary>
/// The tracking part of config loading: environment fallbacks (<c>MLFLOW_TRACKING_URI</c>, <c>WANDB_BASE_URL</c>) and
/// the rules that need them, checked with the rest of the config so a missing key stops the run before any data or
/// model work: <c>wandb</c> needs an API key, <c>mlflow</c> a tracking URI, and both URLs must be http(s).
/// </summary>
public static class TrackingConfigRules
{
    public const string WandbWithoutKey = "BFT050";
    public const string MlflowWithoutUri = "BFT051";
    public const string BadUrl = "BFT052";

    /// <summary>Public W&amp;B, used when neither <c>wandb.base_url</c> nor <c>WANDB_BASE_URL</c> says otherwise.</summary>
    public const string DefaultWandbBaseUrl = "https://api.wandb.ai";

    public static BertFineTuneConfig Apply(BertFineTuneConfig config, Func<string, string?> environment, SourceMap sources, List<UserError> errors)
    {
        if (config.Loggings?.ReportTo is not { } sinks || config.Wandb is null || config.Mlflow is null)
        {
            return config; // Reported by the schema checks.
        }

        // As the official clients read them: WANDB_BASE_URL wins over the file; MLFLOW_TRACKING_URI fills an unset key.
        var wandb = config.Wandb with { BaseUrl = NonEmpty(environment("WANDB_BASE_URL")) ?? config.Wandb.BaseUrl };
        var mlflow = config.Mlflow with { TrackingUri = config.Mlflow.TrackingUri ?? NonEmpty(environment("MLFLOW_TRACKING_URI")) };
        var reportTo = SinkKey(sinks, ReportSink.Wandb);
        if (sinks.Contains(ReportSink.Wandb))
        {
            if (config.Credentials?.WandbApiKey is null)
            {
                errors.Add(sources.Error(
                    reportTo,
                    WandbWithoutKey,
                    "report_to has wandb but no API key is set; export WANDB_API_KEY (or write credentials.wandb_api_key: ${WANDB_API_KEY}), or remove wandb."));
            }

            CheckUrl(wandb.BaseUrl, "wandb.base_url", "WANDB_BASE_URL", sources, errors);
        }

        if (sinks.Contains(ReportSink.Mlflow))
        {
            if (mlflow.TrackingUri is null)
            {
                errors.Add(sources.Error(
                    SinkKey(sinks, ReportSink.Mlflow),
                    MlflowWithoutUri,
                    "report_to has mlflow but no tracking server is set; set mlflow.tracking_uri (or export MLFLOW_TRACKING_URI), for example http://127.0.0.1:5000, or remove mlflow."));
            }
            else
            {
                CheckUrl(mlflow.TrackingUri, "mlflow.tracking_uri", "MLFLOW_TRACKING_URI", sources, errors);
            }
        }

        return config with { Wandb = wandb, Mlflow = mlflow };
    }

    private static string SinkKey(IReadOnlyList<ReportSink> sinks, ReportSink sink)
    {
        var index = sinks.ToList().IndexOf(sink);
        return index < 0 ? "loggings.report_to" : ConfigPath.Index("loggings.report_to", index);
    }

    private static void CheckUrl(string? url, string key, string variable, SourceMap sources, List<UserError> errors)
    {
        if (url is null)
        {
            return;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            errors.Add(sources.Error(
                key,
                BadUrl,
                $"'{url}' is not an http(s) URL (from {key} or ${variable}); write it like https://host:port."));
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
