using BertFineTune.Models;
using TorchSharp;
using Xunit.Abstractions;
using static BertFineTune.Tests.Models.TensorAssert;
using static TorchSharp.torch;

namespace BertFineTune.Tests.Models;

/// <summary>bf16 linear layers with fp32 master weights (no autocast in TorchSharp).</summary>
public class MixedPrecisionTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("tiny-bert")]
    [InlineData("tiny-modernbert")]
    [InlineData("tiny-electra")]
    [InlineData("tiny-xlm-roberta")]
    [InlineData("tiny-deberta-v3")]
    public void Bf16_linear_layers_give_fp32_logits_close_to_fp32(string name)
    {
        var fixture = ModelFixture.Load(name);
        using var model = FixtureParityTests.Load(fixture, default);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var batch = fixture.Batch();
        var fp32 = model.forward(batch);

        model.SetLinearComputeType(ScalarType.BFloat16);
        var bf16 = model.forward(batch);
        model.SetLinearComputeType(null);
        var back = model.forward(batch);

        var diff = (bf16 - fp32).abs().max().item<float>();
        output.WriteLine($"{name}: max|bf16 − fp32| = {diff}");
        Assert.Equal(ScalarType.Float32, bf16.dtype);
        Assert.True(diff > 0, "bf16 really changes the matmuls");
        Assert.True(diff < 0.05, $"bf16 logits are {diff} away from fp32");
        Assert.Equal(bf16.argmax(1).data<long>().ToArray(), fp32.argmax(1).data<long>().ToArray());
        Assert.True(Same(back, fp32));
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
    }

    [Fact]
    public void Bf16_training_step_updates_fp32_master_weights()
    {
        var fixture = ModelFixture.Load("tiny-distilbert");
        using var model = FixtureParityTests.Load(fixture, default);
        model.SetLinearComputeType(ScalarType.BFloat16);
        model.train();
        var weight = model.named_parameters().Single(p => p.name == "distilbert.transformer.layer.0.ffn.lin1.weight").parameter;
        using var before = weight.detach().clone();
        using var optimizer = torch.optim.AdamW(model.parameters(), lr: 1e-6);
        using (torch.NewDisposeScope())
        {
            nn.functional.cross_entropy(model.forward(fixture.Batch()), fixture.LabelTensor()).backward();
            Assert.Equal(ScalarType.Float32, weight.grad!.dtype);
            optimizer.step();
        }

        // A 1e-6 step is far below bf16's resolution (~4e-3 relative) yet must reach the fp32 weights.
        using var delta = (weight.detach() - before).abs();
        Assert.True(delta.max().item<float>() > 0);
        Assert.True(delta.max().item<float>() < 1e-5);
    }
}
