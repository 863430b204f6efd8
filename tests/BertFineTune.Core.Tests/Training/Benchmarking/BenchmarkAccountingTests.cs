using BertFineTune.Models;
using BertFineTune.Native;
using BertFineTune.Tests.Support;
using BertFineTune.Text.Tokenization;
using BertFineTune.Training;
using BertFineTune.Training.Batching;
using BertFineTune.Training.Benchmarking;

namespace BertFineTune.Tests.Training.Benchmarking;

/// <summary>What the bench counts (tokens, padding, FLOPs, GEMM shapes) agrees with what training really does.</summary>
public class BenchmarkAccountingTests
{
    private static readonly string ModelFolder = Path.Combine(RepoPaths.Fixture("tiny-bert"), "model");

    [Fact]
    public void Planned_batches_are_the_trainers_batches_with_the_collators_padding()
    {
        var tokenizer = AutoTokenizer.FromDirectory(ModelFolder);
        var texts = File.ReadLines(RepoPaths.Data("fortunes", "fortunes.csv")).Skip(1).Where(l => l.Length > 0).Take(45).ToList();
        var examples = texts.Select(t => TrainingExample.SingleLabel(t, 0)).ToList();

        var plan = BenchmarkBatches.Plan(examples, tokenizer, maxLength: 24, batchSize: 8, seed: 42);

        var batches = Samplers.Random(examples.Count, 42, epoch: 0).Chunk(8).ToList();
        Assert.Equal(batches.Count, plan.Count);
        var collator = new BatchCollator(tokenizer.PadTokenId, IncludeTokenTypeIds: true);
        for (var b = 0; b < batches.Count; b++)
        {
            var padded = collator.Pad(batches[b].Select(i => tokenizer.Encode(texts[i], null, 24)).ToArray());
            Assert.Equal(padded.RealTokens, plan[b].RealTokens);
            Assert.Equal((long)padded.Rows * padded.Length, plan[b].PaddedTokens);
        }

        Assert.True(plan.Sum(p => p.PaddedTokens) > plan.Sum(p => p.RealTokens), "texts of different lengths pad");
    }

    [Fact]
    public void Flops_count_non_embedding_parameters_and_attention_and_gemm_shapes_leave_out_the_head()
    {
        TorchNativeLoader.EnsureLoaded();
        var (model, _) = AutoModelForSequenceClassification.FromPretrained(ModelFolder, ModelLoadOptions.Default);
        using var owned = model;

        var flops = ModelFlops.Of(model, layers: 2, hiddenSize: 32);
        var all = model.parameters().Sum(p => p.numel());
        var embeddings = model.named_parameters().Where(p => p.name.StartsWith("bert.embeddings.", StringComparison.Ordinal)).Sum(p => p.parameter.numel());
        Assert.Equal(all - embeddings, flops.NonEmbeddingParameters);

        // Two texts of 3 and 5 tokens: 6·N·8 for the weights, 12·layers·hidden·(9 + 25) for attention.
        var batch = new BatchShape([3, 5]);
        Assert.Equal((6.0 * flops.NonEmbeddingParameters * 8) + (12.0 * 2 * 32 * 34), flops.TrainingFlops(batch));
        Assert.Equal(10, batch.PaddedTokens);

        // tiny-bert: hidden 32, intermediate 64; the 3-label classifier is too thin to say anything about the peak.
        Assert.Equal([(32L, 32L), (32L, 64L), (64L, 32L)], ModelFlops.LinearShapes(model).Order());
    }
}
