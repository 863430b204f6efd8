using BertFineTune.Models.Layers;
using BertFineTune.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Tests.Models;

/// <summary>
/// Sparse row gradients for the vocabulary embedding: the gradient callers see is dense and bit for bit the dense
/// embedding's, accumulated in place. The model-level proof is FixtureParityTests' AdamW step against transformers.
/// </summary>
public class WordEmbeddingsTests
{
    private const long Vocab = 500;
    private const long Width = 24;
    private const long Pad = 1;

    [Fact]
    public void The_gradient_is_dense_and_bit_for_bit_the_dense_embeddings_over_two_accumulated_backwards()
    {
        TorchNativeLoader.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        var sparse = WordEmbeddings.Create(Vocab, Width, Pad);
        var dense = nn.Embedding(Vocab, Width, padding_idx: Pad);
        using (torch.no_grad())
        {
            dense.weight!.copy_(sparse.weight!);
        }

        var generator = new Generator(5);

        // Repeated ids (several rows add into one) and the padding id, whose row must get nothing.
        foreach (var ids in new[] { torch.tensor(new long[] { 7, 7, 3, Pad, 499, 7, 0 }), torch.randint(0, Vocab, [64], generator: generator) })
        {
            var upstream = torch.randn([ids.shape[0], Width], generator: generator);
            (WordEmbeddings.Lookup(sparse, ids) * upstream).sum().backward();
            (dense.forward(ids) * upstream).sum().backward();
        }

        var grad = sparse.weight!.grad!;
        Assert.False(grad.is_sparse);
        Assert.Equal(ScalarType.Float32, grad.dtype);
        Assert.Equal(0f, (grad - dense.weight!.grad!).abs().max().item<float>());
        Assert.Equal(0f, grad[Pad].abs().max().item<float>());
        Assert.NotEqual(0f, grad[7].abs().max().item<float>());
    }

    [Fact]
    public void Without_gradients_the_weight_gets_no_gradient_tensor()
    {
        TorchNativeLoader.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        var embedding = WordEmbeddings.Create(Vocab, Width, Pad);
        using (torch.no_grad())
        {
            WordEmbeddings.Lookup(embedding, torch.tensor(new long[] { 2, 3 }));
        }

        Assert.Null(embedding.weight!.grad);
    }
}
