using BertFineTune.Reporting;

namespace BertFineTune.Tests.Reporting;

public sealed class SecretMaskerTests
{
    [Theory]
    [InlineData("hub.token")]
    [InlineData("HF_TOKEN")]
    [InlineData("hfToken")]
    [InlineData("WANDB_API_KEY")]
    [InlineData("wandb.apiKey")]
    [InlineData("s3.secret_access_key")]
    [InlineData("db-password")]
    [InlineData("Authorization")]
    [InlineData("client_secret")]
    public void Secret_looking_keys_are_masked(string key)
    {
        Assert.True(SecretMasker.IsSecretKey(key));
        Assert.Equal(SecretMasker.Mask, SecretMasker.MaskValue(key, "value-123"));
    }

    [Theory]
    [InlineData("tokenizer.max_length")]
    [InlineData("model.tokenizer")]
    [InlineData("hyperparameters.learning_rate")]
    [InlineData("dataset[0].text_column")]
    [InlineData("author")]
    public void Ordinary_keys_stay_visible(string key)
    {
        Assert.False(SecretMasker.IsSecretKey(key));
        Assert.Equal("value-123", SecretMasker.MaskValue(key, "value-123"));
    }

    [Fact]
    public void A_hugging_face_token_is_masked_whatever_its_key()
    {
        Assert.Equal(SecretMasker.Mask, SecretMasker.MaskValue("notes", "hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123"));
        Assert.Equal("hf_short", SecretMasker.MaskValue("notes", "hf_short"));
    }
}
