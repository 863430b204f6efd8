using BertFineTune.Hub;
using BertFineTune.Models;
using BertFineTune.Tests.Models;
using BertFineTune.Tests.Support;
using BertFineTune.Text.Tokenization;
using TorchSharp;
using static BertFineTune.Tests.Models.TensorAssert;

namespace BertFineTune.Tests.Hub;

/// <summary>
/// No real DeBERTa, ELECTRA or XLM-R weights exist on this machine and the Hub is unreachable, so the Hub path of these
/// families is tested against the loopback Hub serving the fixture folders as repositories: the download must bring
/// the SentencePiece model (an LFS file, like spm.model on the Hub) and give a folder that loads to identical outputs.
/// </summary>
public sealed class HubFamiliesTests : IDisposable
{
    private readonly FakeHubServer _server = new();
    private readonly TempDirectory _cache = new();

    public static TheoryData<string, string> Repos => new()
    {
        { "tiny-deberta-v3", "spm.model" },
        { "tiny-xlm-roberta", "sentencepiece.bpe.model" },
        { "tiny-electra", "vocab.txt" },
    };

    [Theory]
    [MemberData(nameof(Repos))]
    public async Task A_hub_download_is_a_folder_that_tokenizes_and_predicts_like_the_original(string fixtureName, string tokenizerFile)
    {
        var fixture = ModelFixture.Load(fixtureName);
        var repoId = "microsoft/" + fixtureName;
        _server.AddRepo(repoId, fixture.ModelFolder);

        var resolved = await new ModelResolver(new HubClientOptions(_server.Endpoint, Offline: false), mirror: null)
            .ResolveAsync(repoId, "main", _cache.Path, null, CancellationToken.None);

        Assert.Equal(ModelOrigin.HubDownload, resolved.Origin);
        Assert.Equal(File.ReadAllBytes(Path.Combine(fixture.ModelFolder, tokenizerFile)), File.ReadAllBytes(Path.Combine(resolved.Directory, tokenizerFile)));
        if (tokenizerFile.EndsWith(".model", StringComparison.Ordinal))
        {
            Assert.Contains(_server.Requests, r => r.Path == $"/cdn/{FakeHubServer.Sha256(File.ReadAllBytes(Path.Combine(fixture.ModelFolder, tokenizerFile)))}");
        }

        var tokenizer = AutoTokenizer.FromDirectory(resolved.Directory);
        foreach (var (row, expected) in fixture.Rows.Zip(fixture.Encodings()))
        {
            var encoded = tokenizer.Encode(row["text"]!.GetValue<string>(), row["text_pair"]?.GetValue<string>(), 24);
            Assert.Equal(expected.InputIds, encoded.InputIds);
        }

        var (downloaded, report) = AutoModelForSequenceClassification.FromPretrained(resolved.Directory, ModelLoadOptions.Default);
        using var _ = downloaded;
        using var original = FixtureParityTests.Load(fixture, default);
        Assert.Equal(HeadSource.Checkpoint, report.Head);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        Assert.True(Same(downloaded.forward(fixture.Batch()), original.forward(fixture.Batch())));
    }

    public void Dispose()
    {
        _server.Dispose();
        _cache.Dispose();
    }
}
