using BertFineTune.Diagnostics;
using BertFineTune.Tests.Support;
using BertFineTune.Text.Tokenization;

namespace BertFineTune.Tests.Text.Tokenization;

public sealed class AutoTokenizerTests
{
    [Fact]
    public void ModelTypeChoosesWhenThereIsNoTokenizerConfig()
    {
        using var temp = new TempDirectory();
        File.Copy(Path.Combine(RepoPaths.Fixture("tiny-distilbert"), "model", "vocab.txt"), temp.File("vocab.txt"));
        File.WriteAllText(temp.File("config.json"), """{"model_type": "distilbert"}""");

        var tokenizer = AutoTokenizer.FromDirectory(temp.Path);

        Assert.IsType<WordPieceTextTokenizer>(tokenizer);
        Assert.False(tokenizer.ReturnsTokenTypeIds);
        Assert.Equal(["[CLS]", "hello", "[SEP]", "world", "[SEP]"], tokenizer.Encode("Hello", "WORLD").Tokens);
    }

    [Fact]
    public void RobertaFilesAreFoundByModelType()
    {
        using var temp = new TempDirectory();
        foreach (var file in new[] { "vocab.json", "merges.txt" })
        {
            File.Copy(Path.Combine(RepoPaths.Fixture("tiny-roberta"), "model", file), temp.File(file));
        }

        File.WriteAllText(temp.File("config.json"), """{"model_type": "roberta"}""");

        var tokenizer = AutoTokenizer.FromDirectory(temp.Path);

        Assert.Equal(1, tokenizer.PadTokenId);
        Assert.Equal("<s>", tokenizer.Encode("Hello").Tokens[0]);
    }

    [Fact]
    public void BrokenJsonNamesFileAndLine()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("tokenizer_config.json"), "{\n  \"tokenizer_class\": \"BertTokenizer\",\n  oops\n}");

        var error = Assert.Throws<UserErrorException>(() => AutoTokenizer.FromDirectory(temp.Path));

        Assert.Equal("BFT201", error.Errors[0].Code);
        Assert.Equal(temp.File("tokenizer_config.json"), error.Errors[0].File);
        Assert.Equal(3, error.Errors[0].Line);
    }

    [Fact]
    public void MissingVocabularyIsAUserError()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("config.json"), """{"model_type": "bert"}""");

        var error = Assert.Throws<UserErrorException>(() => AutoTokenizer.FromDirectory(temp.Path));

        Assert.Equal("BFT202", error.Errors[0].Code);
        Assert.Contains("vocab.txt", error.Message);
    }
}
