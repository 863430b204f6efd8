using BertFineTune.Config;
using BertFineTune.Models;
using BertFineTune.Native;
using BertFineTune.Tests.Support;
using BertFineTune.Tests.Training.Support;
using BertFineTune.Training;
using BertFineTune.Training.Losses;
using TorchSharp;

namespace BertFineTune.Tests.Training;

public class LossAndAccumulationTests
{
    public LossAndAccumulationTests() => TorchNativeLoader.EnsureLoaded();

    [Theory]
    [InlineData(Optimizer.AdamwTorch)]
    [InlineData(Optimizer.AdamwTorchFused)]
    public async Task Accumulating_2_batches_of_8_equals_batches_of_16(Optimizer optim)
    {
        var train = SyntheticTask.SingleLabel(64, 21);
        async Task<(TrainingResult, Dictionary<string, float[]>)> Run(int batch, int accumulation)
        {
            using var dir = new TempDirectory();
            var options = TrainerHarness.Options(dir.Path) with { Epochs = 2, BatchSize = batch, GradientAccumulationSteps = accumulation, Optim = optim, LoggingSteps = 1 };
            var (result, model) = await TrainerHarness.Train(options, train);
            return (result, model.Snapshot());
        }

        var (r16, w16) = await Run(16, 1);
        var (r8x2, w8x2) = await Run(8, 2);
        Assert.Equal(8, r16.GlobalStep);
        Assert.Equal(8, r8x2.GlobalStep);
        TrainerHarness.AssertSameWeights(w16, w8x2, 1e-5);
        var losses16 = r16.LogHistory.Where(e => e.ContainsKey("loss")).Select(e => e["loss"]).ToList();
        var losses8x2 = r8x2.LogHistory.Where(e => e.ContainsKey("loss")).Select(e => e["loss"]).ToList();
        Assert.Equal(losses16.Count, losses8x2.Count);
        Assert.All(losses16.Zip(losses8x2), pair => Assert.Equal(pair.First, pair.Second, 1e-5));
    }

    [Fact]
    public async Task The_last_partial_accumulation_of_an_epoch_takes_an_optimizer_step()
    {
        using var dir = new TempDirectory();

        // 40 examples / 8 = 5 batches; accumulation 2 → steps of 2, 2 and 1 batches: 3 per epoch (HF ≥ 4.46).
        var options = TrainerHarness.Options(dir.Path) with { Epochs = 2, GradientAccumulationSteps = 2, LoggingSteps = 1 };
        var (result, _) = await TrainerHarness.Train(options, SyntheticTask.SingleLabel(40, 1));
        Assert.Equal(6, result.GlobalStep);
        Assert.Equal([0.4, 0.8, 1.0, 1.4, 1.8, 2.0], result.LogHistory.Where(e => e.ContainsKey("loss")).Select(e => Math.Round(e["epoch"], 10)));
    }

    [Fact]
    public void Cross_entropy_with_label_smoothing_and_class_weights_matches_the_formula()
    {
        using var scope = torch.NewDisposeScope();
        float[] w = [0.5f, 2f, 1f];
        var logits = torch.tensor(new float[] { 1f, 2f, 0.5f, -1f, 0f, 3f }, [2, 3]);
        var labels = torch.tensor(new long[] { 1, 2 });
        using var loss = new ClassificationLoss(ProblemType.SingleLabelClassification, 0.1, w);
        var got = loss.Compute(logits, labels).item<float>();

        // torch: per-row loss (1-ε)·w_y·(-log p_y) + ε/k·Σ_c w_c·(-log p_c), mean reduction divides by Σ w_y.
        double[][] z = [[1, 2, 0.5], [-1, 0, 3]];
        int[] y = [1, 2];
        double total = 0, norm = 0;
        for (var i = 0; i < 2; i++)
        {
            var lse = Math.Log(z[i].Sum(Math.Exp));
            var nll = w[y[i]] * (lse - z[i][y[i]]);
            var smooth = Enumerable.Range(0, 3).Sum(c => w[c] * (lse - z[i][c])) / 3;
            total += (0.9 * nll) + (0.1 * smooth);
            norm += w[y[i]];
        }

        Assert.Equal(total / norm, got, 5);
    }

    [Fact]
    public void Balanced_class_weights_are_n_over_k_count()
    {
        var examples = Enumerable.Repeat(0, 6).Concat(Enumerable.Repeat(1, 3)).Concat([2]).Select(l => TrainingExample.SingleLabel("x", l)).ToList();
        var weights = ClassWeights.Balanced(examples, SyntheticTask.Labels, ProblemType.SingleLabelClassification);
        Assert.Equal([10f / 18, 10f / 9, 10f / 3], weights);

        var missing = examples.Where(e => e.LabelId != 2).ToList();
        var ex = Assert.Throws<Diagnostics.UserErrorException>(() => ClassWeights.Balanced(missing, SyntheticTask.Labels, ProblemType.SingleLabelClassification));
        Assert.Contains("'gamma'", ex.Message);
    }

    [Fact]
    public async Task Balanced_weights_move_the_learned_prior_towards_uniform()
    {
        // Texts without any keyword, labels drawn 12:6:1: there is little to learn but the label prior. Unweighted,
        // the rare class gets about 1/19 of the probability; with n/(k·count) weights every class weighs the same in
        // the loss, so the learned prior moves towards 1/3 (measured here: 0.055 → 0.15 on unseen texts, as the
        // model also memorises some filler words).
        var train = SyntheticTask.SingleLabel(380, 31, [12, 6, 1]).Select(e => e with { Text = string.Join(' ', e.Text.Split(' ').Where(w => !SyntheticTask.Labels.Contains(w))) }).ToList();
        var probe = SyntheticTask.SingleLabel(100, 32).Select(e => e with { Text = string.Join(' ', e.Text.Split(' ').Where(w => !SyntheticTask.Labels.Contains(w))) }).ToList();
        async Task<double> MeanRareProbability(ClassWeighting weighting)
        {
            using var dir = new TempDirectory();
            var options = TrainerHarness.Options(dir.Path) with { Epochs = 3, ClassWeights = weighting };
            var (_, model) = await TrainerHarness.Train(options, train);
            var logits = new Trainer(model, SyntheticTask.Tokenizer(), options).Evaluate(probe).Logits;
            return logits.Average(row => Math.Exp(row[2]) / row.Sum(z => Math.Exp(z)));
        }

        var unweighted = await MeanRareProbability(ClassWeighting.None);
        var balanced = await MeanRareProbability(ClassWeighting.Balanced);
        Assert.True(unweighted < 0.09, $"unweighted mean p(rare) {unweighted}, balanced {balanced}");
        Assert.True(balanced > 0.12 && balanced > 2 * unweighted, $"balanced mean p(rare) {balanced}, unweighted {unweighted}");
    }

    [Fact]
    public async Task Multi_label_trains_with_bce_and_reports_subset_accuracy()
    {
        using var dir = new TempDirectory();
        var options = TrainerHarness.Options(dir.Path) with { Epochs = 4, EvalStrategy = IntervalStrategy.Epoch };
        var train = SyntheticTask.MultiLabel(240, 41);
        var eval = SyntheticTask.MultiLabel(60, 42);
        var (result, model) = await TrainerHarness.Train(options, train, eval, problemType: ProblemType.MultiLabelClassification);

        var last = result.LogHistory.Last(e => e.ContainsKey("eval_subset_accuracy"));
        Assert.True(last["eval_subset_accuracy"] >= 0.8, $"subset accuracy {last["eval_subset_accuracy"]}");

        // eval_loss is the mean BCE-with-logits over every (example, label) pair.
        var trainer = new Trainer(model, SyntheticTask.Tokenizer(), options with { EvalStrategy = IntervalStrategy.No });
        var evaluation = trainer.Evaluate(eval);
        double bce = 0;
        for (var i = 0; i < eval.Count; i++)
        {
            for (var c = 0; c < 3; c++)
            {
                double z = evaluation.Logits[i][c], t = eval[i].MultiHot![c];
                bce += Math.Max(z, 0) - (z * t) + Math.Log(1 + Math.Exp(-Math.Abs(z)));
            }
        }

        Assert.Equal(bce / (eval.Count * 3), evaluation.Metrics["eval_loss"], 4);
    }
}
