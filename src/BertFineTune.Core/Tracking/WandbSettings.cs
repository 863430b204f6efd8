using BertFineTune.Config;

namespace BertFineTune.Tracking;

/// <summary>The <c>wandb:</c> section with the key and the base URL resolved (see <see cref="TrackingConfigRules"/>).</summary>
public sealed record WandbSettings(Uri BaseUrl, string ApiKey, string Project, string? Entity, string? RunName, IReadOnlyList<string> Tags)
{
    public static WandbSettings From(BertFineTuneConfig config) => new(
        new Uri((config.Wandb.BaseUrl ?? TrackingConfigRules.DefaultWandbBaseUrl).TrimEnd('/') + "/"),
        config.Credentials.WandbApiKey ?? throw new InvalidOperationException("wandb needs an API key; the config rules check this."),
        config.Wandb.Project,
        config.Wandb.Entity,
        config.Wandb.RunName,
        config.Wandb.Tags);
}
