using BertFineTune.Models.Layers;
using BertFineTune.Native;
using BertFineTune.Tests.Training.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Tests.Models;

/// <summary>
/// <see cref="HashDropout"/> keeps <c>nn.Dropout</c>'s law (each element kept with probability 1 − p and scaled by
/// 1 / (1 − p), evaluation untouched), its gradient is the forward's own mask, and a seeded run repeats its masks.
/// </summary>
/// <remarks>Runs alone: the tests seed LibTorch's default generator and expect the module's next draws from it.</remarks>
[Collection(BitForBitRunsCollection.Name)]
public class HashDropoutTests
{
    public HashDropoutTests() => TorchNativeLoader.EnsureLoaded();

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    public void Keeps_each_element_with_probability_one_minus_p_and_scales_it(double p)
    {
        using var scope = torch.NewDisposeScope();
        using var dropout = new HashDropout(p);
        dropout.train();
        torch.manual_seed(5);
        var input = torch.rand(2000, 384) + 0.5; // no zeros, so a zero output is a dropped element
        var output = dropout.forward(input);

        var kept = output.ne(0);
        var keptShare = kept.to(ScalarType.Float64).mean().item<double>();
        // 768,000 draws: the share's standard deviation is below 0.0006, so 0.004 is over six of them.
        Assert.InRange(keptShare, 1 - p - 0.004, 1 - p + 0.004);
        var scale = 1f / (1f - (float)p);
        Assert.True(output.masked_select(kept).eq(input.masked_select(kept) * scale).all().item<bool>());

        // No column and no row is favoured: every column's share over 2,000 rows stays within six deviations.
        var columnShares = kept.to(ScalarType.Float64).mean([0]);
        var deviation = Math.Sqrt(p * (1 - p) / 2000);
        Assert.True((columnShares - (1 - p)).abs().max().item<double>() < 6 * deviation);
    }

    [Fact]
    public void Its_gradient_is_the_forward_mask()
    {
        using var scope = torch.NewDisposeScope();
        using var dropout = new HashDropout(0.2);
        dropout.train();
        torch.manual_seed(9);
        var input = (torch.rand(64, 48) + 0.5).requires_grad_();
        var output = dropout.forward(input);
        var upstream = torch.randn(64, 48);
        output.backward([upstream]);

        // Kept where the output is nonzero (the input has no zeros), scaled by 1 / 0.8 = 1.25 there.
        var factors = output.detach().ne(0).to(ScalarType.Float32) * 1.25f;
        Assert.True(input.grad!.eq(upstream * factors).all().item<bool>());
    }

    [Fact]
    public void A_seeded_run_repeats_its_masks_and_another_seed_draws_others()
    {
        using var scope = torch.NewDisposeScope();
        using var dropout = new HashDropout(0.3);
        dropout.train();
        var input = torch.ones(3, 7, 40);
        Tensor[] Draw(int seed)
        {
            torch.manual_seed(seed);
            return [dropout.forward(input), dropout.forward(input)];
        }

        var first = Draw(11);
        var again = Draw(11);
        var other = Draw(12);
        Assert.True(first[0].eq(again[0]).all().item<bool>());
        Assert.True(first[1].eq(again[1]).all().item<bool>());
        Assert.False(first[0].eq(first[1]).all().item<bool>()); // two calls, two masks
        Assert.False(first[0].eq(other[0]).all().item<bool>());
    }

    [Fact]
    public void In_bf16_kept_elements_are_scaled_by_the_bf16_factor_as_LibTorch_rounds_it()
    {
        using var scope = torch.NewDisposeScope();
        using var dropout = new HashDropout(0.1);
        dropout.train();
        torch.manual_seed(3);
        var input = (torch.rand(256, 384) + 0.5).to(ScalarType.BFloat16);
        var output = dropout.forward(input);
        Assert.Equal(ScalarType.BFloat16, output.dtype);

        // LibTorch's own dropout: a bf16 mask of ones divided by 0.9, times the input, all in bf16.
        var factor = torch.ones(1, ScalarType.BFloat16).div_(0.9);
        var kept = output.ne(0);
        Assert.True(output.masked_select(kept).eq(input.masked_select(kept) * factor).all().item<bool>());
        Assert.InRange(kept.to(ScalarType.Float64).mean().item<double>(), 0.89, 0.91);
    }

    [Fact]
    public void A_large_mask_filled_on_several_threads_is_the_one_filled_on_one()
    {
        using var scope = torch.NewDisposeScope();
        var weights = torch.ones(8, 12, 128, 128); // padded attention weights: 1.6M elements, over the threaded size
        using var threads = TorchThreadCount.Set(1);
        var single = HashDropout.Mask(weights, 0.1f, seed: 42);
        threads.Change(3);
        var threaded = HashDropout.Mask(weights, 0.1f, seed: 42);
        Assert.True(single.eq(threaded).all().item<bool>());
        Assert.InRange(single.ne(0).to(ScalarType.Float64).mean().item<double>(), 0.898, 0.902);
    }

    [Fact]
    public void Evaluation_and_p_zero_leave_the_input_as_it_is()
    {
        using var scope = torch.NewDisposeScope();
        var input = torch.randn(16, 32);
        using var evaluating = new HashDropout(0.5);
        evaluating.eval();
        Assert.True(evaluating.forward(input).eq(input).all().item<bool>());

        using var none = new HashDropout(0);
        none.train();
        Assert.True(none.forward(input).eq(input).all().item<bool>());
    }

    [Fact]
    public void Other_dtypes_fall_back_to_LibTorch_dropout()
    {
        using var scope = torch.NewDisposeScope();
        using var dropout = new HashDropout(0.5);
        dropout.train();
        var input = torch.ones(100, 100, ScalarType.Float64);
        var output = dropout.forward(input);
        Assert.Equal(ScalarType.Float64, output.dtype);
        Assert.True(output.eq(0).logical_or(output.eq(2)).all().item<bool>());
        Assert.InRange(output.eq(0).to(ScalarType.Float64).mean().item<double>(), 0.45, 0.55);
    }

    [Fact]
    public void A_probability_outside_zero_to_one_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new HashDropout(1.5));
}
