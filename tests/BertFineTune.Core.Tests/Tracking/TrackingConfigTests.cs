using BertFineTune.Config;
using BertFineTune.Diagnostics;
using BertFineTune.Tests.Config;
using BertFineTune.Tracking;

namespace BertFineTune.Tests.Tracking;

/// <summary>The tracking keys and their rules, checked when the config loads (before any data or model work).</summary>
public class TrackingConfigTests
{
    private const string Base = """
        dataset:
          - filepath: data.csv
        loggings:
          report_to: [console, wandb, mlflow]
        """;

    [Fact]
    public void Wandb_without_a_key_and_mlflow_without_a_server_point_at_their_report_to_items()
    {
        var errors = TestConfigs.Errors(Base).Where(e => e.Severity == Severity.Error).ToList();

        Assert.Equal(2, errors.Count);
        Assert.Equal(TrackingConfigRules.WandbWithoutKey, errors[0].Code);
        Assert.Equal("config.yaml(4,24): error BFT050: loggings.report_to[1]: report_to has wandb but no API key is set; export WANDB_API_KEY (or write credentials.wandb_api_key: ${WANDB_API_KEY}), or remove wandb.", errors[0].ToString());
        Assert.Equal(TrackingConfigRules.MlflowWithoutUri, errors[1].Code);
        Assert.Equal((4, 31), (errors[1].Line, errors[1].Column));
    }

    [Fact]
    public void The_environment_supplies_key_tracking_uri_and_base_url()
    {
        var loaded = TestConfigs.Load(Base, new Dictionary<string, string>
        {
            ["WANDB_API_KEY"] = "k-0123456789",
            ["MLFLOW_TRACKING_URI"] = "http://mlflow.example:5000",
            ["WANDB_BASE_URL"] = "https://wandb.example",
        });

        Assert.Equal("http://mlflow.example:5000", loaded.Config.Mlflow.TrackingUri);
        Assert.Equal("https://wandb.example", loaded.Config.Wandb.BaseUrl);
        Assert.Equal("bertft", loaded.Config.Wandb.Project);
        Assert.Equal("bertft", loaded.Config.Mlflow.ExperimentName);
        Assert.Equal(new Uri("https://wandb.example/"), WandbSettings.From(loaded.Config).BaseUrl);
        Assert.DoesNotContain(loaded.Describe(), s => s.Value.Contains("k-0123456789", StringComparison.Ordinal));
    }

    [Fact]
    public void Defaults_and_file_values_are_used_when_the_environment_is_silent()
    {
        var loaded = TestConfigs.Load(Base + """

            wandb:
              entity: team
              tags: [a, b]
            mlflow:
              tracking_uri: https://mlflow.example
              log_artifacts: false
            """, new Dictionary<string, string> { ["WANDB_API_KEY"] = "k-0123456789" });

        var wandb = WandbSettings.From(loaded.Config);
        Assert.Equal(new Uri("https://api.wandb.ai/"), wandb.BaseUrl);
        Assert.Equal("team", wandb.Entity);
        Assert.Equal(["a", "b"], wandb.Tags);
        Assert.False(loaded.Config.Mlflow.LogArtifacts);
    }

    [Fact]
    public void An_unknown_tracker_name_and_a_url_that_is_not_http_are_errors_at_their_line()
    {
        var unknown = TestConfigs.Single("""
            dataset:
              - filepath: data.csv
            loggings:
              report_to: [console, comet]
            """, ConfigErrorCodes.NotInEnum);
        Assert.Equal((4, 24), (unknown.Line, unknown.Column));
        Assert.Contains("mlflow", unknown.Message, StringComparison.Ordinal);

        var url = TestConfigs.Single("""
            dataset:
              - filepath: data.csv
            loggings:
              report_to: [mlflow]
            mlflow:
              tracking_uri: ftp://mlflow.example
            """, TrackingConfigRules.BadUrl);
        Assert.Equal("mlflow.tracking_uri", url.Key);
        Assert.Equal(6, url.Line);
    }
}
