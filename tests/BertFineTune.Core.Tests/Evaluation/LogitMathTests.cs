using BertFineTune.Evaluation;

namespace BertFineTune.Tests.Evaluation;

public sealed class LogitMathTests
{
    [Fact]
    public void Softmax_matches_known_values_and_sums_to_one()
    {
        var probabilities = LogitMath.Softmax([1f, 2f, 3f]);

        // exp(k) / (e + e^2 + e^3) for k = 1, 2, 3.
        Assert.Equal(0.09003057317038046, probabilities[0], 1e-12);
        Assert.Equal(0.24472847105479764, probabilities[1], 1e-12);
        Assert.Equal(0.6652409557748219, probabilities[2], 1e-12);
        Assert.Equal(1.0, probabilities.Sum(), 1e-12);
    }

    [Fact]
    public void Softmax_and_sigmoid_do_not_overflow_on_large_logits()
    {
        Assert.Equal([0.5, 0.5], LogitMath.Softmax([1000f, 1000f]));
        Assert.Equal(1.0, LogitMath.Sigmoid(1000.0));
        Assert.Equal(0.0, LogitMath.Sigmoid(-1000.0));
        Assert.Equal(0.5, LogitMath.Sigmoid(0.0));
        Assert.Equal(1.0 / (1.0 + Math.Exp(-1.5)), LogitMath.Sigmoid([1.5f])[0], 1e-12);
    }

    [Fact]
    public void Argmax_takes_the_first_of_equal_maxima()
    {
        Assert.Equal(1, LogitMath.ArgMax([0f, 3f, 3f, -1f]));
        Assert.Equal(0, LogitMath.ArgMax([7f]));
        Assert.Throws<ArgumentException>(() => LogitMath.ArgMax([]));
    }

    [Fact]
    public void Mean_cross_entropy_is_minus_log_of_the_true_class_probability()
    {
        float[][] logits = [[1f, 2f, 3f], [0f, 0f, 0f]];

        var loss = LogitMath.MeanCrossEntropy(logits, [2, 0]);

        // Row 0: -log(0.66524096); row 1: -log(1/3).
        Assert.Equal((-Math.Log(0.6652409557748219) + Math.Log(3)) / 2, loss, 1e-12);
        Assert.Equal(0.0, LogitMath.MeanCrossEntropy([[1000f, -1000f]], [0]), 1e-12);
    }

    [Fact]
    public void Mean_binary_cross_entropy_averages_over_every_cell()
    {
        float[][] logits = [[0f, 2f], [-1f, 1000f]];
        float[][] targets = [[1f, 0f], [0f, 1f]];

        var loss = LogitMath.MeanBinaryCrossEntropyWithLogits(logits, targets);

        // -log σ(0), -log(1-σ(2)), -log(1-σ(-1)), -log σ(1000) ≈ 0.
        var expected = (Math.Log(2) + Math.Log(1 + Math.Exp(2)) + Math.Log(1 + Math.Exp(-1)) + 0) / 4;
        Assert.Equal(expected, loss, 1e-12);
    }
}
