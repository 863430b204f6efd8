using BertFineTune.Diagnostics;
using BertFineTune.Tests.Support;
using BertFineTune.Text.Tokenization;
using BertFineTune.Text.Tokenization.SentencePiece;

namespace BertFineTune.Tests.Text.Tokenization;

/// <summary>The SentencePiece families (XLM-R, DeBERTa-v3) beyond the fixture ids: special ids, unknown runs, saving, bad files.</summary>
public sealed class SentencePieceTokenizerTests
{
    private static string ModelFolder(string fixture) => Path.Combine(RepoPaths.Fixture(fixture), "model");

    [Fact]
    public void XlmRobertaUsesFairseqIdsWithMaskAfterThePieces()
    {
        var tokenizer = AutoTokenizer.FromDirectory(ModelFolder("tiny-xlm-roberta"));

        Assert.Equal(1, tokenizer.PadTokenId);
        Assert.False(tokenizer.ReturnsTokenTypeIds);
        var encoded = tokenizer.Encode("a <mask> b", "<pad>");
        Assert.Equal("<s>", encoded.Tokens[0]);
        Assert.Equal(0, encoded.InputIds[0]);
        Assert.Contains(1501, encoded.InputIds); // 1500 pieces + fairseq offset
        Assert.Equal([2, 2, 1, 2], encoded.InputIds[^4..]);
    }

    [Fact]
    public void DebertaV3AppendsMaskAfterThePiecesAndReturnsTokenTypes()
    {
        var tokenizer = AutoTokenizer.FromDirectory(ModelFolder("tiny-deberta-v3"));

        Assert.Equal(0, tokenizer.PadTokenId);
        Assert.True(tokenizer.ReturnsTokenTypeIds);
        var encoded = tokenizer.Encode("the [MASK]", "the");
        Assert.Equal(1, encoded.InputIds[0]);
        Assert.Equal(2000, encoded.InputIds[2]);
        Assert.Equal(["[CLS]", "▁the", "[MASK]", "[SEP]", "▁the", "[SEP]"], encoded.Tokens);
        Assert.Equal([0, 0, 0, 0, 1, 1], encoded.TokenTypeIds!);
    }

    [Theory]
    [InlineData("tiny-xlm-roberta", "<unk>", 3)]
    [InlineData("tiny-deberta-v3", "[UNK]", 3)]
    public void ARunOfUnknownCharactersIsOneUnknownToken(string fixture, string unk, int unkId)
    {
        var tokenizer = AutoTokenizer.FromDirectory(ModelFolder(fixture));

        var encoded = tokenizer.Encode("你好世界");

        Assert.Equal(["▁", unk], encoded.Tokens[1..^1]);
        Assert.Equal(unkId, encoded.InputIds[2]);
    }

    [Fact]
    public void FullWidthPunctuationIsNormalisedByTheCharsmap()
    {
        var tokenizer = AutoTokenizer.FromDirectory(ModelFolder("tiny-xlm-roberta"));

        Assert.Equal(tokenizer.Encode("a, b").InputIds, tokenizer.Encode("a， b").InputIds);
    }

    [Theory]
    [InlineData("tiny-xlm-roberta", "sentencepiece.bpe.model")]
    [InlineData("tiny-deberta-v3", "spm.model")]
    public void SavingCopiesTheModelFileUnchanged(string fixture, string file)
    {
        using var temp = new TempDirectory();
        AutoTokenizer.FromDirectory(ModelFolder(fixture)).Save(temp.Path);

        Assert.Equal(File.ReadAllBytes(Path.Combine(ModelFolder(fixture), file)), File.ReadAllBytes(temp.File(file)));
        Assert.True(File.Exists(temp.File("tokenizer_config.json")));
        Assert.True(File.Exists(temp.File("special_tokens_map.json")));
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("garbage")]
    [InlineData("empty")]
    public void ACorruptModelFileIsOneErrorNamingTheFile(string damage)
    {
        using var temp = new TempDirectory();
        foreach (var f in Directory.GetFiles(ModelFolder("tiny-deberta-v3")))
        {
            File.Copy(f, temp.File(Path.GetFileName(f)));
        }

        var original = File.ReadAllBytes(temp.File("spm.model"));
        File.WriteAllBytes(temp.File("spm.model"), damage switch
        {
            "truncated" => original[..(original.Length / 2)],
            "garbage" => [.. Enumerable.Range(0, 4096).Select(i => (byte)((i * 7919) % 251))],
            _ => [],
        });

        var error = Assert.Throws<UserErrorException>(() => AutoTokenizer.FromDirectory(temp.Path));

        var single = Assert.Single(error.Errors);
        Assert.Equal(SentencePieceModel.UnreadableModelCode, single.Code);
        Assert.Equal(temp.File("spm.model"), single.File);
        Assert.Contains("not a valid SentencePiece model", single.Message);
    }

    [Fact]
    public void AMissingModelFileIsNamed()
    {
        using var temp = new TempDirectory();
        File.Copy(Path.Combine(ModelFolder("tiny-xlm-roberta"), "tokenizer_config.json"), temp.File("tokenizer_config.json"));

        var error = Assert.Throws<UserErrorException>(() => AutoTokenizer.FromDirectory(temp.Path));

        Assert.Equal(temp.File("sentencepiece.bpe.model"), Assert.Single(error.Errors).File);
    }
}
