using System.Text.Json;
using BertFineTune.Config;
using BertFineTune.Native;
using BertFineTune.Tests.Support;
using BertFineTune.Training;
using BertFineTune.Training.Optimization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BertFineTune.Tests.Training;

public class AdamWTests
{
    public AdamWTests() => TorchNativeLoader.EnsureLoaded();

    [Theory]
    [InlineData(FusedAdamW.DefaultChunkElements)] // one chunk per group here
    [InlineData(7L)] // chunks that cut through parameters
    [InlineData(0L)] // whole groups at once
    public void Fused_equals_per_parameter_over_several_steps_with_clipping_and_decay(long chunkElements)
    {
        var (perParam, perParamGroups) = MakeParameters(seed: 3);
        var (fused, fusedGroups) = MakeParameters(seed: 3);
        using var a = AdamWOptimizer.Create(Optimizer.AdamwTorch, perParamGroups);
        using var b = new FusedAdamW(fusedGroups, chunkElements);
        var gen = new Generator(11);
        for (var step = 0; step < 5; step++)
        {
            using var scope = torch.NewDisposeScope();
            a.ZeroGrad();
            b.ZeroGrad();
            for (var i = 0; i < perParam.Count; i++)
            {
                var g = torch.randn(perParam[i].Parameter.shape, generator: gen) * (step + 1);
                using (torch.no_grad())
                {
                    // Backward would accumulate into .grad in place; do the same by hand.
                    perParam[i].Parameter.grad ??= torch.zeros_like(perParam[i].Parameter);
                    perParam[i].Parameter.grad!.add_(g);
                    fused[i].Parameter.grad!.add_(g);
                }
            }

            var normA = a.ClipGradNorm(1.0);
            var normB = b.ClipGradNorm(1.0);
            Assert.Equal(normA, normB, 1e-5 * normA);
            a.Step(1e-2 * (step + 1));
            b.Step(1e-2 * (step + 1));
        }

        for (var i = 0; i < perParam.Count; i++)
        {
            var diff = (perParam[i].Parameter - fused[i].Parameter).abs().max().item<float>();
            Assert.True(diff < 1e-6, $"{perParam[i].Name}: max |Δ| {diff}");
        }

        foreach (var (name, t) in a.StateTensors())
        {
            var diff = (t - b.StateTensors()[name]).abs().max().item<float>();
            Assert.True(diff < 1e-6, $"{name}: max |Δ| {diff}");
        }
    }

    [Fact]
    public void Fused_equals_per_parameter_bit_for_bit_on_rows_that_never_get_a_gradient()
    {
        // The fused step clamps the second moment before its root (MKL's slow path on zeros); rows whose moments stay
        // zero, as unseen vocabulary rows do, and tiny moments must still give torch's denominator exactly.
        var (perParam, perParamGroups) = MakeParameters(seed: 5);
        var (fused, fusedGroups) = MakeParameters(seed: 5);
        using var a = AdamWOptimizer.Create(Optimizer.AdamwTorch, perParamGroups);
        using var b = new FusedAdamW(fusedGroups);
        using (torch.no_grad())
        {
            // Rows at zero show even a 1e-18 difference in their update, so a clamp that changed the denominator would show.
            foreach (var p in perParam.Concat(fused).Where(p => p.Name.Contains("word_embeddings", StringComparison.Ordinal)))
            {
                p.Parameter.narrow(0, 40, 5).zero_();
            }
        }

        var gen = new Generator(13);
        for (var step = 0; step < 4; step++)
        {
            using var scope = torch.NewDisposeScope();
            a.ZeroGrad();
            b.ZeroGrad();
            for (var i = 0; i < perParam.Count; i++)
            {
                var g = torch.randn(perParam[i].Parameter.shape, generator: gen);
                if (perParam[i].Name.Contains("word_embeddings", StringComparison.Ordinal))
                {
                    g.narrow(0, 0, 40).zero_(); // 40 of 50 rows never seen
                    g.narrow(0, 40, 5).mul_(1e-22f); // squares below the smallest normal float
                }

                using (torch.no_grad())
                {
                    perParam[i].Parameter.grad ??= torch.zeros_like(perParam[i].Parameter);
                    perParam[i].Parameter.grad!.add_(g);
                    fused[i].Parameter.grad!.add_(g);
                }
            }

            a.Step(1e-3);
            b.Step(1e-3);
        }

        for (var i = 0; i < perParam.Count; i++)
        {
            Assert.Equal(0f, (perParam[i].Parameter - fused[i].Parameter).abs().max().item<float>());
        }
    }

    [Fact]
    public void Fused_parameters_are_views_of_one_flat_buffer_that_backward_fills()
    {
        torch.manual_seed(0);
        using var linear = nn.Linear(4, 3);
        var groups = ParameterGroups.Build(linear.named_parameters(), 0.01);
        using var opt = AdamWOptimizer.Create(Optimizer.AdamwTorchFused, groups);
        var before = linear.weight!.detach().clone();
        linear.forward(torch.ones(2, 4)).sum().backward();

        // d(sum)/dW = 2 for every weight (two rows of ones): backward wrote into the fused gradient view.
        Assert.Equal(2f, linear.weight!.grad!.min().item<float>());
        opt.Step(0.1);
        Assert.True((linear.weight!.detach() - before).abs().max().item<float>() > 0.09f, "the module's own parameter moved");
    }

    [Fact]
    public void First_step_matches_the_closed_form_of_torch_adamw()
    {
        // Fixture README: p ← p·(1 − lr·wd); m = 0.1·g; v = 0.001·g²; p ← p − (lr/0.1)·m / (√v/√0.001 + eps).
        using var p = new Parameter(torch.tensor(new float[] { 0.5f, -1.5f, 2f }));
        p.grad = torch.tensor(new float[] { 0.2f, -3f, 0f });
        using var opt = AdamWOptimizer.Create(Optimizer.AdamwTorch, [new ParameterGroup("decay", [new NamedParameter("w", p)], 0.01)]);
        opt.Step(1e-3);
        var got = p.detach().data<float>().ToArray();
        double[] g = [0.2, -3, 0];
        double[] p0 = [0.5, -1.5, 2];
        for (var i = 0; i < 3; i++)
        {
            var decayed = p0[i] * (1 - (1e-3 * 0.01));
            var m = 0.1 * g[i];
            var v = 0.001 * g[i] * g[i];
            var expected = decayed - (1e-3 / 0.1 * m / ((Math.Sqrt(v) / Math.Sqrt(0.001)) + 1e-8));
            Assert.Equal(expected, got[i], 1e-6);
        }
    }

    [Fact]
    public void Clipping_follows_torch_clip_grad_norm()
    {
        using var a = new Parameter(torch.zeros(2));
        using var b = new Parameter(torch.zeros(1));
        a.grad = torch.tensor(new float[] { 3f, 0f });
        b.grad = torch.tensor(new float[] { 4f });
        var total = GradientClipping.ClipGradNorm([a, b], 1.0);
        Assert.Equal(5.0, total, 1e-6);
        var coef = 1.0 / (5.0 + 1e-6);
        Assert.Equal(3 * coef, a.grad!.data<float>()[0], 1e-6);
        Assert.Equal(4 * coef, b.grad!.data<float>()[0], 1e-6);

        // Below the limit nothing changes (coef clamps at 1).
        a.grad = torch.tensor(new float[] { 0.3f, 0f });
        b.grad = torch.tensor(new float[] { 0.4f });
        Assert.Equal(0.5, GradientClipping.ClipGradNorm([a, b], 1.0), 1e-6);
        Assert.Equal(0.3f, a.grad!.data<float>()[0]);
    }

    [Theory]
    [InlineData("tiny-bert")]
    [InlineData("tiny-distilbert")]
    [InlineData("tiny-roberta")]
    [InlineData("tiny-modernbert")]
    [InlineData("tiny-modernbert-cls")]
    [InlineData("tiny-electra")]
    [InlineData("tiny-xlm-roberta")]
    [InlineData("tiny-deberta-v3")]
    public void Decay_groups_match_the_fixture_lists(string fixture)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Fixture(fixture), "expected.json")));
        var step = doc.RootElement.GetProperty("train_step");
        foreach (var name in step.GetProperty("decayed_parameters").EnumerateArray())
        {
            Assert.True(ParameterGroups.IsDecayed(name.GetString()!), $"{name} should be decayed");
        }

        foreach (var name in step.GetProperty("no_decay_parameters").EnumerateArray())
        {
            Assert.False(ParameterGroups.IsDecayed(name.GetString()!), $"{name} should not be decayed");
        }
    }

    private static (List<NamedParameter> Parameters, IReadOnlyList<ParameterGroup> Groups) MakeParameters(int seed)
    {
        var gen = new Generator((ulong)seed);
        (string Name, long[] Shape)[] specs =
        [
            ("embeddings.word_embeddings.weight", [50, 8]),
            ("embeddings.LayerNorm.weight", [8]),
            ("embeddings.LayerNorm.bias", [8]),
            ("encoder.dense.weight", [8, 8]),
            ("encoder.dense.bias", [8]),
            ("classifier.weight", [3, 8]),
        ];
        var named = specs.Select(s => (s.Name, new Parameter(torch.randn(s.Shape, generator: gen)))).ToList();
        var groups = ParameterGroups.Build(named, 0.1);
        if (groups.Count != 2)
        {
            throw new InvalidOperationException("expected two groups");
        }

        return (groups.SelectMany(g => g.Parameters).ToList(), groups);
    }
}
