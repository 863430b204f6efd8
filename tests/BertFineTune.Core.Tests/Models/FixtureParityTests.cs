using BertFineTune.Models;
using BertFineTune.Models.Layers;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace BertFineTune.Tests.Models;

/// <summary>
/// Every fixture model against Hugging Face transformers' reference outputs (see fixtures/README.md for tolerances), on
/// both the padded and the unpadded (packed) path.
/// </summary>
public class FixtureParityTests(ITestOutputHelper output)
{
    public static TheoryData<string, AttentionImplementation, bool> Cases()
    {
        var data = new TheoryData<string, AttentionImplementation, bool>();
        foreach (var name in ModelFixture.Names)
        {
            foreach (var unpadded in new[] { true, false })
            {
                data.Add(name, AttentionImplementation.Auto, unpadded);
                data.Add(name, AttentionImplementation.Sdpa, unpadded);
                data.Add(name, AttentionImplementation.Eager, unpadded);
            }
        }

        return data;
    }

    public static TheoryData<string> Fixtures() => new(ModelFixture.Names);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Parameter_names_and_shapes_are_transformers_named_parameters_in_order(string name)
    {
        var fixture = ModelFixture.Load(name);
        using var model = Load(fixture, AttentionDefaults.Implementation);

        var expected = fixture.Expected["parameters"]!.AsArray()
            .Select(p => $"{p!["name"]} [{string.Join(", ", p["shape"]!.AsArray().Select(s => s!.GetValue<long>()))}]");
        var actual = model.named_parameters().Select(p => $"{p.name} [{string.Join(", ", p.parameter.shape)}]");
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Eval_logits_hidden_states_and_loss_match_transformers(string name, AttentionImplementation attention, bool unpadded)
    {
        var fixture = ModelFixture.Load(name);
        using var model = Load(fixture, attention, unpadded);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var batch = fixture.Batch();

        var logits = model.forward(batch);
        Assert.Equal(ScalarType.Float32, logits.dtype);
        var logitDiff = ModelFixture.MaxAbsDiff(logits, fixture.Matrix(fixture.Expected["eval"]!["logits"]!));

        var hidden = model.ForwardHidden(batch);
        var expectedHidden = fixture.Expected["eval"]!["last_hidden_state"]!["values"]!.AsArray();
        double hiddenDiff = 0;
        for (var text = 0; text < 2; text++)
        {
            var slice = hidden[text].narrow(0, 0, 4);
            hiddenDiff = Math.Max(hiddenDiff, ModelFixture.MaxAbsDiff(slice, fixture.Matrix(expectedHidden[text]!)));
        }

        var loss = nn.functional.cross_entropy(logits, fixture.LabelTensor()).item<float>();
        var expectedLoss = fixture.Expected["eval"]!["loss"]!.GetValue<double>();
        output.WriteLine($"{name} {attention} unpadded={unpadded}: max|Δlogits| {logitDiff:E2}, max|Δhidden| {hiddenDiff:E2}, loss {loss} vs {expectedLoss}");

        Assert.True(logitDiff <= 1e-4, $"logits differ by {logitDiff}");
        Assert.True(hiddenDiff <= 1e-4, $"hidden states differ by {hiddenDiff}");
        Assert.True(Math.Abs(loss - expectedLoss) <= 1e-5 * Math.Abs(expectedLoss), $"loss {loss} vs {expectedLoss}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void One_AdamW_training_step_matches_transformers(string name, AttentionImplementation attention, bool unpadded)
    {
        var fixture = ModelFixture.Load(name);
        var step = fixture.Expected["train_step"]!;
        using var model = Load(fixture, attention, unpadded);
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var decayed = step["decayed_parameters"]!.AsArray().Select(n => parameters[n!.GetValue<string>()]).ToList();
        var noDecay = step["no_decay_parameters"]!.AsArray().Select(n => parameters[n!.GetValue<string>()]).ToList();
        Assert.Equal(parameters.Count, decayed.Count + noDecay.Count);

        using var optimizer = torch.optim.AdamW(
            [
                new TorchSharp.Modules.AdamW.ParamGroup(decayed, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01, amsgrad: false, maximize: false),
                new TorchSharp.Modules.AdamW.ParamGroup(noDecay, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.0, amsgrad: false, maximize: false),
            ],
            lr: 1e-3);
        double gradNorm;
        using (torch.NewDisposeScope())
        {
            model.train();
            var loss = nn.functional.cross_entropy(model.forward(fixture.Batch()), fixture.LabelTensor());
            Assert.True(Math.Abs(loss.item<float>() - step["train_loss_before_step"]!.GetValue<double>()) <= 1e-5);
            loss.backward();
            gradNorm = nn.utils.clip_grad_norm_(model.parameters(), 1.0);
            optimizer.step();
        }

        model.eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var after = model.forward(fixture.Batch());
        var diff = ModelFixture.MaxAbsDiff(after, fixture.Matrix(step["logits_after_step"]!));
        var expectedNorm = step["pre_clip_grad_norm"]!.GetValue<double>();
        var afterLoss = nn.functional.cross_entropy(after, fixture.LabelTensor()).item<float>();
        output.WriteLine($"{name} {attention} unpadded={unpadded}: grad norm {gradNorm} vs {expectedNorm}; max|Δlogits after step| {diff:E2}; loss after {afterLoss}");

        Assert.True(Math.Abs(gradNorm - expectedNorm) <= 1e-5 * expectedNorm, $"grad norm {gradNorm} vs {expectedNorm}");
        Assert.True(diff <= 1e-4, $"post-step logits differ by {diff}");
        Assert.True(Math.Abs(afterLoss - step["loss_after_step"]!.GetValue<double>()) <= 1e-5);
    }

    /// <summary>
    /// The fixture's model. Without <paramref name="unpadded"/> it keeps the product's defaults (other tests compare it
    /// bit for bit with models loaded elsewhere); with it, it runs that path, and unpadded packs every padded batch
    /// however little padding it has, so padded-against-packed comparisons never fall back to padded.
    /// </summary>
    internal static SequenceClassificationModel Load(ModelFixture fixture, AttentionImplementation attention, bool? unpadded = null)
    {
        var (model, report) = AutoModelForSequenceClassification.FromPretrained(fixture.ModelFolder, new ModelLoadOptions { Attention = attention });
        Assert.Equal(HeadSource.Checkpoint, report.Head);
        Assert.Empty(report.FreshParameters);
        Assert.True(model.SupportsUnpadded, $"{fixture.Name} runs unpadded");
        if (unpadded is bool explicitly)
        {
            model.Unpadded = explicitly;
            model.PackingThreshold = 1;
        }

        return model;
    }
}
