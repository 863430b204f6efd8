using BertFineTune.Models.Layers;
using BertFineTune.Models.Layers.PackedAttention;
using BertFineTune.Native;
using BertFineTune.Tests.Training.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace BertFineTune.Tests.Models;

/// <summary>
/// The packed attention kernel against LibTorch's eager attention, text by text: the same context and the same gradient
/// of the fused projections, with and without dropout (the reference applies the kernel's own mask), in fp32 and bf16.
/// </summary>
/// <remarks>
/// Runs alone: two tests seed LibTorch's default generator and expect the kernel's next draws from it, which a test
/// running beside them would take (a full suite run saw the dropout test's reference get another seed).
/// </remarks>
[Collection(BitForBitRunsCollection.Name)]
public class PackedSelfAttentionTests
{
    private readonly ITestOutputHelper _output;

    public PackedSelfAttentionTests(ITestOutputHelper output)
    {
        TorchNativeLoader.EnsureLoaded();
        _output = output;
    }

    // One-token texts, a text at exactly max_length (128), lengths on and off the vector width.
    private static readonly long[] Lengths = [1, 5, 17, 40, 128, 8, 1, 63];

    [Theory]
    [InlineData(4, 32)] // all-MiniLM-L6-v2's head width
    [InlineData(2, 64)] // BERT-base's
    [InlineData(4, 8)] // the fixtures' (one vector)
    public void Context_and_gradients_equal_eager_attention_in_fp32(int heads, int headDim)
    {
        using var scope = torch.NewDisposeScope();
        var (qkv, upstream) = RandomProblem(heads, headDim, ScalarType.Float32, seed: 1);
        var (context, gradient) = KernelForwardBackward(qkv, heads, upstream, dropout: 0);
        var (expected, expectedGradient) = EagerForwardBackward(qkv, heads, upstream, mask: null);
        AssertClose(expected, context, 2e-6, "context");
        AssertClose(expectedGradient, gradient, 1e-5, "qkv gradient");

        // Without grad the kernel runs outside autograd: the same numbers.
        using var noGrad = torch.no_grad();
        Assert.True(PackedSelfAttention.Apply(qkv, heads, Lengths, 0).eq(context).all().item<bool>());
    }

    [Fact]
    public void Dropout_drops_exactly_the_weights_of_its_mask_in_forward_and_backward()
    {
        const int heads = 4, headDim = 16;
        const double p = 0.25;
        using var scope = torch.NewDisposeScope();
        var (qkv, upstream) = RandomProblem(heads, headDim, ScalarType.Float32, seed: 2);
        torch.manual_seed(123);
        var (context, gradient) = KernelForwardBackward(qkv, heads, upstream, p);

        // The same draw of the default generator gives the call's seed; the reference applies that mask.
        torch.manual_seed(123);
        var mask = MaskOf(heads, p);
        var (expected, expectedGradient) = EagerForwardBackward(qkv, heads, upstream, mask);
        AssertClose(expected, context, 2e-6, "context");
        AssertClose(expectedGradient, gradient, 1e-5, "qkv gradient");

        var weights = mask.Sum(m => m.numel());
        var kept = mask.Sum(m => m.ne(0).sum().item<long>());
        _output.WriteLine($"kept {kept} of {weights} weights");
        Assert.InRange(kept / (double)weights, 0.74, 0.76);
    }

    [Fact]
    public void Masks_follow_the_default_generator_so_seeded_runs_repeat_and_calls_differ()
    {
        const int heads = 2, headDim = 8;
        using var scope = torch.NewDisposeScope();
        var (qkv, _) = RandomProblem(heads, headDim, ScalarType.Float32, seed: 3);
        using var noGrad = torch.no_grad();
        torch.manual_seed(7);
        var first = PackedSelfAttention.Apply(qkv, heads, Lengths, 0.5);
        var second = PackedSelfAttention.Apply(qkv, heads, Lengths, 0.5);
        torch.manual_seed(7);
        var repeated = PackedSelfAttention.Apply(qkv, heads, Lengths, 0.5);
        Assert.True(first.eq(repeated).all().item<bool>());
        Assert.False(first.eq(second).all().item<bool>());
    }

    [Fact]
    public void Bf16_projections_attend_in_fp32_and_round_once()
    {
        const int heads = 4, headDim = 32;
        using var scope = torch.NewDisposeScope();
        var (qkv, upstream) = RandomProblem(heads, headDim, ScalarType.BFloat16, seed: 4);
        var (context, gradient) = KernelForwardBackward(qkv, heads, upstream, dropout: 0);
        Assert.Equal(ScalarType.BFloat16, context.dtype);
        Assert.Equal(ScalarType.BFloat16, gradient.dtype);

        // The fp32 reference on the same (bf16-exact) inputs, rounded once to bf16: within one bf16 rounding.
        var (expected, expectedGradient) = EagerForwardBackward(qkv.to(ScalarType.Float32), heads, upstream.to(ScalarType.Float32), mask: null);
        AssertClose(expected, context.to(ScalarType.Float32), 4e-3 * expected.abs().max().item<float>(), "context");
        AssertClose(expectedGradient, gradient.to(ScalarType.Float32), 4e-3 * expectedGradient.abs().max().item<float>(), "qkv gradient");
    }

    private static (Tensor Qkv, Tensor Upstream) RandomProblem(int heads, int headDim, ScalarType dtype, int seed)
    {
        using var generator = new Generator((ulong)seed);
        var tokens = Lengths.Sum();
        var qkv = torch.randn([tokens, 3 * heads * headDim], generator: generator).to(dtype);
        var upstream = torch.randn([tokens, heads * headDim], generator: generator).to(dtype);
        return (qkv, upstream);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void The_result_does_not_depend_on_how_many_threads_share_the_pairs(int threads)
    {
        const int heads = 4, headDim = 32;
        using var scope = torch.NewDisposeScope();
        var (qkv, upstream) = RandomProblem(heads, headDim, ScalarType.BFloat16, seed: 4);
        using var threadCount = TorchThreadCount.Set(threads);
        torch.manual_seed(77);
        var (context, gradient) = KernelForwardBackward(qkv, heads, upstream, dropout: 0.1);
        torch.manual_seed(77);
        threadCount.Change(2);
        var (expected, expectedGradient) = KernelForwardBackward(qkv, heads, upstream, dropout: 0.1);
        Assert.True(context.eq(expected).all().item<bool>());
        Assert.True(gradient.eq(expectedGradient).all().item<bool>());
    }

    private static (Tensor Context, Tensor Gradient) KernelForwardBackward(Tensor qkv, int heads, Tensor upstream, double dropout)
    {
        var input = qkv.detach().requires_grad_(true);
        var context = PackedSelfAttention.Apply(input, heads, Lengths, dropout);
        context.backward([upstream]);
        return (context.detach(), input.grad!.detach());
    }

    /// <summary>LibTorch's eager attention, one text at a time, with <paramref name="mask"/> (kept scale or 0) per text.</summary>
    private static (Tensor Context, Tensor Gradient) EagerForwardBackward(Tensor qkv, int heads, Tensor upstream, Tensor[]? mask)
    {
        var input = qkv.detach().requires_grad_(true);
        var outputs = new List<Tensor>();
        long start = 0;
        for (var text = 0; text < Lengths.Length; text++)
        {
            var n = Lengths[text];
            var split = input.narrow(0, start, n).view(n, 3, heads, -1).permute(1, 2, 0, 3);
            var (query, key, value) = (split[0], split[1], split[2]);
            var weights = (torch.matmul(query, key.transpose(-1, -2)) / Math.Sqrt(query.shape[^1])).softmax(-1);
            if (mask is not null)
            {
                weights = weights * mask[text];
            }

            outputs.Add(torch.matmul(weights, value).transpose(0, 1).reshape(n, -1));
            start += n;
        }

        var context = torch.cat(outputs, 0);
        context.backward([upstream]);
        return (context.detach(), input.grad!.detach());
    }

    /// <summary>The mask the kernel's next call draws: one <c>[heads, n, n]</c> tensor of kept scales per text.</summary>
    private static Tensor[] MaskOf(int heads, double p)
    {
        var seed = CounterHash.DrawSeed();
        var longest = (int)Lengths.Max();
        var dropout = new AttentionDropoutMask((float)p, seed, heads, longest);
        var row = new float[AttentionRowMath.RoundUp(longest, AttentionRowMath.ColumnBlock)];
        return Lengths.Select((n, text) =>
        {
            var values = new float[heads * n * n];
            for (var head = 0; head < heads; head++)
            {
                for (var i = 0; i < n; i++)
                {
                    dropout.Fill(text, head, i, row.AsSpan(0, AttentionRowMath.RoundUp((int)n, AttentionRowMath.ColumnBlock)));
                    Array.Copy(row, 0, values, ((head * n) + i) * n, n);
                }
            }

            return torch.tensor(values, [heads, n, n]);
        }).ToArray();
    }

    private void AssertClose(Tensor expected, Tensor actual, double tolerance, string what)
    {
        var difference = (expected - actual).abs().max().item<float>();
        _output.WriteLine($"{what}: max |Δ| {difference:E2} (tolerance {tolerance:E2})");
        Assert.True(difference <= tolerance, $"{what} differs by {difference} (tolerance {tolerance})");
    }
}
