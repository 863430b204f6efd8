using System.Text.Json;
using BertFineTune.Models;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace BertFineTune.Tests.Training.Support;

/// <summary>
/// A tiny sequence classifier for trainer tests: embedding → masked mean pool → LayerNorm → Linear. Its parameter
/// names follow HF conventions enough to exercise the decay rule (LayerNorm and biases not decayed).
/// </summary>
internal sealed class TinyClassifier : SequenceClassificationModel
{
    private readonly Embedding embeddings;
    private readonly LayerNorm LayerNorm;
    private readonly Linear classifier;
    private readonly string[] _labels;
    private readonly ProblemType _problemType;
    private ScalarType? _linearCompute;

    public TinyClassifier(int vocabSize, int hidden, IReadOnlyList<string> labels, ProblemType problemType = ProblemType.SingleLabelClassification)
        : base("tiny")
    {
        embeddings = nn.Embedding(vocabSize, hidden);
        LayerNorm = nn.LayerNorm(hidden);
        classifier = nn.Linear(hidden, labels.Count);
        _labels = [.. labels];
        _problemType = problemType;
        RegisterComponents();
    }

    public override string ModelType => "tiny";

    public override IReadOnlyList<string> Labels => _labels;

    public override ProblemType ProblemType => _problemType;

    public override int MaxSequenceLength => 512;

    public override bool UsesTokenTypeIds => false;

    public override Tensor forward(ModelInputs inputs)
    {
        using var scope = torch.NewDisposeScope();
        var pooled = LayerNorm.forward(ForwardHidden(inputs).sum(1));
        Tensor logits;
        if (_linearCompute is { } dtype)
        {
            logits = nn.functional.linear(pooled.to_type(dtype), classifier.weight!.to_type(dtype), classifier.bias!.to_type(dtype)).to_type(ScalarType.Float32);
        }
        else
        {
            logits = classifier.forward(pooled);
        }

        return logits.MoveToOuterDisposeScope();
    }

    /// <summary>Embeddings weighted by the mask and divided by the real length, so that the sum over positions is the mean.</summary>
    public override Tensor ForwardHidden(ModelInputs inputs)
    {
        using var scope = torch.NewDisposeScope();
        var mask = inputs.AttentionMask.to_type(ScalarType.Float32).unsqueeze(-1);
        var h = embeddings.forward(inputs.InputIds) * mask / mask.sum(1, keepdim: true).clamp_min(1.0);
        return h.MoveToOuterDisposeScope();
    }

    public override void SetLinearComputeType(ScalarType? dtype) => _linearCompute = dtype;

    public override void SavePretrained(string directory)
    {
        Directory.CreateDirectory(directory);
        var config = new Dictionary<string, object>
        {
            ["model_type"] = ModelType,
            ["id2label"] = _labels.Select((l, i) => (l, i)).ToDictionary(x => x.i.ToString(System.Globalization.CultureInfo.InvariantCulture), x => x.l),
            ["problem_type"] = _problemType == ProblemType.MultiLabelClassification ? "multi_label_classification" : "single_label_classification",
        };
        File.WriteAllText(Path.Combine(directory, "config.json"), JsonSerializer.Serialize(config));
        var state = state_dict();
        Safetensors.SaveStateDict(Path.Combine(directory, "model.safetensors"), state);
    }

    public override void LoadWeights(string directory)
    {
        var loaded = Safetensors.LoadStateDict(Path.Combine(directory, "model.safetensors"));
        var (missing, unexpected) = load_state_dict(loaded, strict: false);
        foreach (var t in loaded.Values)
        {
            t.Dispose();
        }

        if (missing.Count > 0 || unexpected.Count > 0)
        {
            throw new InvalidOperationException($"Keys differ: missing {string.Join(",", missing)}; unexpected {string.Join(",", unexpected)}");
        }
    }

    /// <summary>A copy of every parameter's values, for exact comparisons between runs.</summary>
    public Dictionary<string, float[]> Snapshot() =>
        named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().cpu().data<float>().ToArray());
}
