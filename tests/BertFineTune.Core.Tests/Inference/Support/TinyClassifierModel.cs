using System.Text.Json;
using BertFineTune.Models;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace BertFineTune.Tests.Inference.Support;

/// <summary>
/// A small but real TorchSharp classifier for inference tests: word + position + token-type embeddings, masked mean
/// pooling, a tanh dense layer and a classifier. Weights come from a seeded generator, so every instance with the same
/// seed computes the same logits. Positions past <see cref="MaxSequenceLength"/> fail, as in BERT, so truncation matters.
/// </summary>
public sealed class TinyClassifierModel : SequenceClassificationModel
{
    private readonly Embedding word_embeddings;
    private readonly Embedding position_embeddings;
    private readonly Embedding token_type_embeddings;
    private readonly Linear dense;
    private readonly Linear classifier;
    private readonly string[] labels;
    private readonly int maxSequenceLength;
    private ScalarType? linearComputeType;

    public TinyClassifierModel(
        IReadOnlyList<string> labels,
        ProblemType problemType = ProblemType.SingleLabelClassification,
        int vocabSize = WhitespaceHashTokenizer.DefaultVocabSize,
        int hidden = 32,
        int maxSequenceLength = 64,
        ulong seed = 42)
        : base("TinyForSequenceClassification")
    {
        this.labels = [.. labels];
        ProblemType = problemType;
        this.maxSequenceLength = maxSequenceLength;
        word_embeddings = nn.Embedding(vocabSize, hidden);
        position_embeddings = nn.Embedding(maxSequenceLength, hidden);
        token_type_embeddings = nn.Embedding(2, hidden);
        dense = nn.Linear(hidden, hidden);
        classifier = nn.Linear(hidden, labels.Count);
        RegisterComponents();
        InitializeWeights(seed);
    }

    public override string ModelType => "tiny";

    public override IReadOnlyList<string> Labels => labels;

    public override ProblemType ProblemType { get; }

    public override int MaxSequenceLength => maxSequenceLength;

    public override bool UsesTokenTypeIds => true;

    /// <summary>What <see cref="SetLinearComputeType"/> last set, so tests can see that bf16 reached the model.</summary>
    public ScalarType? LinearComputeType => linearComputeType;

    public override Tensor forward(ModelInputs inputs)
    {
        using var scope = NewDisposeScope();
        var hidden = ForwardHidden(inputs);
        var mask = inputs.AttentionMask.unsqueeze(-1).to(hidden.dtype);
        var pooled = (hidden * mask).sum(1) / mask.sum(1).clamp_min(1);
        var features = Linear(dense, pooled).tanh();
        return Linear(classifier, features).MoveToOuterDisposeScope();
    }

    public override Tensor ForwardHidden(ModelInputs inputs)
    {
        using var scope = NewDisposeScope();
        var length = inputs.InputIds.shape[1];
        var positions = arange(length, dtype: ScalarType.Int64, device: inputs.InputIds.device).unsqueeze(0);
        var hidden = word_embeddings.forward(inputs.InputIds) + position_embeddings.forward(positions);
        if (inputs.TokenTypeIds is { } types)
        {
            hidden += token_type_embeddings.forward(types);
        }

        return hidden.MoveToOuterDisposeScope();
    }

    public override void SetLinearComputeType(ScalarType? dtype) => linearComputeType = dtype;

    public override void SavePretrained(string directory)
    {
        Directory.CreateDirectory(directory);
        var config = new Dictionary<string, object>
        {
            ["model_type"] = ModelType,
            ["id2label"] = labels.Select((l, i) => (l, i)).ToDictionary(p => p.i.ToString(System.Globalization.CultureInfo.InvariantCulture), p => p.l),
        };
        WriteAtomically(Path.Combine(directory, "config.json"), path => File.WriteAllText(path, JsonSerializer.Serialize(config)));
        WriteAtomically(Path.Combine(directory, "model.safetensors"), path => this.save_safetensors(path));
    }

    public override void LoadWeights(string directory) =>
        this.load_safetensors(Path.Combine(directory, "model.safetensors"), strict: true);

    private Tensor Linear(Linear layer, Tensor input)
    {
        if (linearComputeType is not { } computeType)
        {
            return layer.forward(input);
        }

        // As the contract says: cast input and fp32 weights for the matmul, return fp32.
        return nn.functional.linear(input.to(computeType), layer.weight!.to(computeType), layer.bias?.to(computeType)).to(ScalarType.Float32);
    }

    private void InitializeWeights(ulong seed)
    {
        using var noGrad = no_grad();
        using var generator = new Generator(seed);
        foreach (var (_, parameter) in named_parameters())
        {
            using var values = randn(parameter.shape, generator: generator);
            parameter.copy_(values);
        }
    }

    private static void WriteAtomically(string path, Action<string> write)
    {
        var temp = path + $".{Guid.NewGuid():N}.tmp";
        write(temp);
        File.Move(temp, path, overwrite: true);
    }
}
