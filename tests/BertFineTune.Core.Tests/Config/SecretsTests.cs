using BertFineTune.Config;
using BertFineTune.Diagnostics;

namespace BertFineTune.Tests.Config;

public class SecretsTests
{
    private const string Token = "hf_SuperSecretValue123";

    [Fact]
    public void A_literal_secret_gives_a_warning_that_never_echoes_it()
    {
        var loaded = TestConfigs.Load(TestConfigs.Minimal + $"\ncredentials:\n  huggingface_token: {Token}\n");

        var warning = Assert.Single(loaded.Warnings);
        Assert.Equal(Severity.Warning, warning.Severity);
        Assert.Equal(ConfigErrorCodes.LiteralSecret, warning.Code);
        Assert.Equal(4, warning.Line);
        Assert.Contains("HF_TOKEN", warning.Message);
        Assert.DoesNotContain(Token, warning.ToString());
        Assert.Equal(Token, loaded.Config.Credentials.HuggingfaceToken);
    }

    [Fact]
    public void Credentials_fall_back_to_the_environment()
    {
        var environment = new Dictionary<string, string> { ["HF_TOKEN"] = Token, ["WANDB_API_KEY"] = "wandb-key" };

        var loaded = TestConfigs.Load(TestConfigs.Minimal, environment);

        Assert.Equal(Token, loaded.Config.Credentials.HuggingfaceToken);
        Assert.Equal("wandb-key", loaded.Config.Credentials.WandbApiKey);
        Assert.Empty(loaded.Warnings);
    }

    [Fact]
    public void A_secret_from_a_variable_is_not_a_literal()
    {
        var environment = new Dictionary<string, string> { ["MY_TOKEN"] = Token };

        var loaded = TestConfigs.Load(TestConfigs.Minimal + "\ncredentials:\n  huggingface_token: ${MY_TOKEN}\n", environment);

        Assert.Empty(loaded.Warnings);
        Assert.Equal(Token, loaded.Config.Credentials.HuggingfaceToken);
    }

    [Fact]
    public void An_empty_interpolated_secret_falls_back_to_the_environment()
    {
        var environment = new Dictionary<string, string> { ["HF_TOKEN"] = Token };

        var loaded = TestConfigs.Load(TestConfigs.Minimal + "\ncredentials:\n  huggingface_token: ${UNSET_TOKEN:-}\n", environment);

        Assert.Equal(Token, loaded.Config.Credentials.HuggingfaceToken);
    }

    [Fact]
    public void Describe_masks_secrets()
    {
        var loaded = TestConfigs.Load(TestConfigs.Minimal, new Dictionary<string, string> { ["HF_TOKEN"] = Token });

        var settings = loaded.Describe();

        Assert.Equal("(set, hidden)", settings.Single(s => s.Key == "credentials.huggingface_token").Value);
        Assert.Equal("(not set)", settings.Single(s => s.Key == "credentials.wandb_api_key").Value);
        Assert.DoesNotContain(settings, s => s.Value.Contains(Token, StringComparison.Ordinal));
    }

    [Fact]
    public void Errors_in_a_secret_set_on_the_command_line_do_not_echo_it()
    {
        var errors = TestConfigs.Errors(TestConfigs.Minimal, null, $"credentials.huggingface_tokn={Token}");

        var error = Assert.Single(errors);
        Assert.Equal(ConfigErrorCodes.UnknownKey, error.Code);
        Assert.DoesNotContain(Token, error.ToString());
    }
}
