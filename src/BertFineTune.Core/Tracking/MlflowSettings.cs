using System.Net.Http.Headers;
using System.Text;
using BertFineTune.Config;

namespace BertFineTune.Tracking;

/// <summary>
/// The <c>mlflow:</c> section with the tracking URI resolved, plus the credentials MLflow's clients read from the
/// environment: <c>MLFLOW_TRACKING_TOKEN</c> (bearer), else <c>MLFLOW_TRACKING_USERNAME</c> / <c>MLFLOW_TRACKING_PASSWORD</c> (basic).
/// </summary>
public sealed record MlflowSettings(Uri TrackingUri, string ExperimentName, string? RunName, bool LogArtifacts, string? Token, string? Username, string? Password)
{
    public static MlflowSettings From(BertFineTuneConfig config, Func<string, string?> environment) => new(
        new Uri((config.Mlflow.TrackingUri ?? throw new InvalidOperationException("mlflow needs a tracking URI; the config rules check this.")).TrimEnd('/') + "/"),
        config.Mlflow.ExperimentName,
        config.Mlflow.RunName,
        config.Mlflow.LogArtifacts,
        NonEmpty(environment("MLFLOW_TRACKING_TOKEN")),
        NonEmpty(environment("MLFLOW_TRACKING_USERNAME")),
        NonEmpty(environment("MLFLOW_TRACKING_PASSWORD")));

    internal AuthenticationHeaderValue? Authorization =>
        Token is not null ? new AuthenticationHeaderValue("Bearer", Token)
        : Username is not null ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Password}")))
        : null;

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
