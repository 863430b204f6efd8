using BertFineTune.Models;
using TorchSharp;
using static BertFineTune.Tests.Models.TensorAssert;
using static TorchSharp.torch;

namespace BertFineTune.Tests.Models;

public class BatchCollatorTests
{
    [Theory]
    [InlineData("tiny-bert", 0, true)]
    [InlineData("tiny-roberta", 1, false)]
    [InlineData("tiny-modernbert", 5003, false)]
    public void Collating_the_unpadded_encodings_reproduces_the_reference_padded_batch(string name, int pad, bool tokenTypes)
    {
        var fixture = ModelFixture.Load(name);
        using var scope = torch.NewDisposeScope();
        var expected = fixture.Batch();

        var batch = new BatchCollator(pad, tokenTypes).Collate(fixture.Encodings());

        Assert.Equal(ScalarType.Int64, batch.InputIds.dtype);
        Assert.True(Same(batch.InputIds, expected.InputIds));
        Assert.True(Same(batch.AttentionMask, expected.AttentionMask));
        Assert.Equal(tokenTypes, batch.TokenTypeIds is not null);
        if (tokenTypes)
        {
            Assert.True(Same(batch.TokenTypeIds!, expected.TokenTypeIds!));
        }
    }

    [Fact]
    public void A_batch_pads_only_to_its_own_longest_example()
    {
        var fixture = ModelFixture.Load("tiny-bert");
        using var scope = torch.NewDisposeScope();
        var shortOnes = fixture.Encodings().Where(e => e.Length < 20).ToList();

        var batch = new BatchCollator(0, true).Collate(shortOnes);

        Assert.Equal([shortOnes.Count, shortOnes.Max(e => e.Length)], batch.InputIds.shape);
        Assert.Equal(shortOnes.Sum(e => e.Length), batch.AttentionMask.sum().item<long>());
    }
}
