using System.Text.Json.Nodes;
using BertFineTune.Tests.Support;
using BertFineTune.Text.Tokenization;
using BertFineTune.Text.Tokenization.SentencePiece;

namespace BertFineTune.Tests.Text.Tokenization;

/// <summary>
/// A folder with only a fast tokenizer's <c>tokenizer.json</c> (no <c>.model</c> file): built here from the fixture's
/// SentencePiece model in the layout transformers' converters write (XLMRobertaConverter, DebertaV2Converter); it must
/// give the fixture's ids exactly.
/// </summary>
public sealed class SentencePieceTokenizerJsonTests
{
    [Theory]
    [InlineData("tiny-xlm-roberta", false)]
    [InlineData("tiny-deberta-v3", false)]
    [InlineData("tiny-xlm-roberta", true)]
    [InlineData("tiny-deberta-v3", true)]
    public void A_converted_tokenizer_json_gives_the_fixture_ids(string fixture, bool genericFastClass)
    {
        using var temp = new TempDirectory();
        WriteConvertedFolder(fixture, temp.Path, genericFastClass);

        var tokenizer = AutoTokenizer.FromDirectory(temp.Path);

        Assert.IsType<SentencePieceTextTokenizer>(tokenizer);
        foreach (var example in FixtureExample.Read(fixture))
        {
            var encoded = tokenizer.Encode(example.Text, example.TextPair, maxLength: 24);
            Assert.True(example.Tokens.SequenceEqual(encoded.Tokens), $"{fixture} #{example.Index}: expected [{string.Join(' ', example.Tokens)}], got [{string.Join(' ', encoded.Tokens)}]");
            Assert.Equal(example.InputIds, encoded.InputIds);
            Assert.Equal(example.TokenTypeIds, encoded.TokenTypeIds);
        }

        using var saved = new TempDirectory();
        tokenizer.Save(saved.Path);
        File.Copy(temp.File("config.json"), saved.File("config.json"));
        Assert.Equal(File.ReadAllText(temp.File("tokenizer.json")), File.ReadAllText(saved.File("tokenizer.json")));
        var first = FixtureExample.Read(fixture).Last();
        Assert.Equal(tokenizer.Encode(first.Text, first.TextPair, 24).InputIds, AutoTokenizer.FromDirectory(saved.Path).Encode(first.Text, first.TextPair, 24).InputIds);
    }

    private static void WriteConvertedFolder(string fixture, string target, bool genericFastClass)
    {
        var source = Path.Combine(RepoPaths.Fixture(fixture), "model");
        var xlmr = fixture == "tiny-xlm-roberta";
        var proto = SentencePieceModelProto.Parse(File.ReadAllBytes(Path.Combine(source, xlmr ? "sentencepiece.bpe.model" : "spm.model")));
        var vocab = new JsonArray();
        var added = new JsonArray();
        void Add(string piece, double score) => vocab.Add(new JsonArray(piece, score));
        void Special(string content, int id) => added.Add(new JsonObject { ["id"] = id, ["content"] = content, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false, ["special"] = true });
        if (xlmr)
        {
            // XLMRobertaConverter: fairseq's four tokens, the pieces from id 3 on, then <mask>.
            string[] fairseq = ["<s>", "<pad>", "</s>", "<unk>"];
            for (var i = 0; i < 4; i++)
            {
                Add(fairseq[i], 0.0);
                Special(fairseq[i], i);
            }

            foreach (var piece in proto.Pieces.Skip(3))
            {
                Add(piece.Piece, piece.Score);
            }

            Add("<mask>", 0.0);
            Special("<mask>", vocab.Count - 1);
        }
        else
        {
            // DebertaV2Converter: the pieces as they are; [MASK] is an added token after them.
            foreach (var piece in proto.Pieces)
            {
                Add(piece.Piece, piece.Score);
            }

            for (var i = 0; i < 4; i++)
            {
                Special(proto.Pieces[i].Piece, i);
            }

            Special("[MASK]", proto.Pieces.Count);
        }

        var tokenizerJson = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = added,
            ["normalizer"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["normalizers"] = new JsonArray(
                    new JsonObject { ["type"] = "Precompiled", ["precompiled_charsmap"] = Convert.ToBase64String(proto.Normalizer.PrecompiledCharsmap) },
                    new JsonObject { ["type"] = "Replace", ["pattern"] = new JsonObject { ["Regex"] = " {2,}" }, ["content"] = " " }),
            },
            ["pre_tokenizer"] = new JsonObject { ["type"] = "Metaspace", ["replacement"] = "▁", ["add_prefix_space"] = true, ["prepend_scheme"] = "always" },
            ["model"] = new JsonObject { ["type"] = "Unigram", ["unk_id"] = 3, ["vocab"] = vocab, ["byte_fallback"] = false },
        };
        File.WriteAllText(Path.Combine(target, "tokenizer.json"), tokenizerJson.ToJsonString());
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(source, "tokenizer_config.json")))!.AsObject();
        config["tokenizer_class"] = genericFastClass ? "PreTrainedTokenizerFast" : xlmr ? "XLMRobertaTokenizerFast" : "DebertaV2TokenizerFast";
        File.WriteAllText(Path.Combine(target, "tokenizer_config.json"), config.ToJsonString());
        File.Copy(Path.Combine(source, "config.json"), Path.Combine(target, "config.json"));
    }
}
