using BertFineTune.IO;
using BertFineTune.Models.Configuration;
using BertFineTune.Models.Layers;
using BertFineTune.Models.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BertFineTune.Models;

/// <summary>
/// What the four architectures share: config and labels, mixed-precision switch, attention switch, HF-format save and
/// load. Subclasses declare their module tree and which parameters form the task head.
/// </summary>
public abstract class HfSequenceClassifier : SequenceClassificationModel, ICheckpointLayout
{
    protected HfSequenceClassifier(string name, PretrainedModelConfig config)
        : base(name)
    {
        PretrainedConfig = config;
    }

    /// <summary>The parsed config.json (with the task's labels), as saved by <see cref="SavePretrained"/>.</summary>
    public PretrainedModelConfig PretrainedConfig { get; }

    /// <summary>The weight of the layer whose rows are the labels (<c>classifier.weight</c>, <c>classifier.out_proj.weight</c>).</summary>
    public abstract string LabelLayerWeight { get; }

    /// <summary>The HF class name written to <c>architectures</c>, e.g. <c>BertForSequenceClassification</c>.</summary>
    public virtual string Architecture => GetType().Name;

    public override string ModelType => PretrainedConfig.ModelType;

    public override IReadOnlyList<string> Labels => PretrainedConfig.Labels;

    public override ProblemType ProblemType => PretrainedConfig.ProblemType ?? ProblemType.SingleLabelClassification;

    string ICheckpointLayout.BasePrefix => BasePrefix;

    IReadOnlyList<string> ICheckpointLayout.HeadPrefixes => HeadPrefixes;

    IReadOnlyList<string> ICheckpointLayout.IgnoredCheckpointPrefixes => IgnoredCheckpointPrefixes;

    /// <summary>The base model's prefix in parameter names, e.g. <c>bert.</c>; headless checkpoints lack it.</summary>
    protected abstract string BasePrefix { get; }

    /// <summary>Parameters that may be created fresh when the checkpoint lacks them or their shape differs (the task head).</summary>
    protected abstract IReadOnlyList<string> HeadPrefixes { get; }

    /// <summary>Checkpoint keys of other heads (pre-training heads) that are skipped, as transformers skips them.</summary>
    protected abstract IReadOnlyList<string> IgnoredCheckpointPrefixes { get; }

    /// <summary>Switches every attention module between the fused SDPA kernel and the explicit eager path.</summary>
    public AttentionImplementation AttentionImplementation
    {
        get => modules().OfType<IAttentionModule>().Select(m => m.Implementation).FirstOrDefault();
        set
        {
            foreach (var attention in modules().OfType<IAttentionModule>())
            {
                attention.Implementation = value;
            }
        }
    }

    /// <summary>The packing of this batch when this model runs unpadded, else null (padded path). Call inside the forward's dispose scope.</summary>
    protected PackedSequences? PackFor(ModelInputs inputs) =>
        Unpadded && SupportsUnpadded ? PackedSequences.TryCreate(inputs.AttentionMask, PackingThreshold) : null;

    /// <summary>
    /// <see cref="SequenceClassificationModel.ForwardHidden"/> for a base model whose <paramref name="encode"/> runs packed
    /// (when <see cref="PackFor"/> packs this batch) or padded: the last hidden state, always padded <c>[batch, seq, hidden]</c>.
    /// </summary>
    protected Tensor PaddedHidden(ModelInputs inputs, Func<ModelInputs, PackedSequences?, Tensor> encode)
    {
        using var scope = torch.NewDisposeScope();
        var packing = PackFor(inputs);
        var hidden = encode(inputs, packing);
        return (packing?.Unpack(hidden) ?? hidden).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The first token's last hidden state <c>[batch, hidden]</c> of each sequence, from <paramref name="encode"/> run packed
    /// or padded as <see cref="PackFor"/> says. The tensors belong to the caller's dispose scope.
    /// </summary>
    protected Tensor FirstTokenHidden(ModelInputs inputs, Func<ModelInputs, PackedSequences?, Tensor> encode)
    {
        var packing = PackFor(inputs);
        var hidden = encode(inputs, packing);
        return packing?.FirstTokenStates(hidden) ?? hidden.select(1, 0);
    }

    /// <summary>The head's output as fp32 logits (a bf16 classifier layer returns bf16).</summary>
    protected static Tensor Logits(Tensor output) => output.dtype == ScalarType.Float32 ? output : output.to(ScalarType.Float32);

    public override void SetLinearComputeType(ScalarType? dtype)
    {
        foreach (var linear in modules().OfType<MixedPrecisionLinear>())
        {
            linear.ComputeType = dtype;
        }
    }

    public override void SavePretrained(string directory)
    {
        Directory.CreateDirectory(directory);
        using (torch.no_grad())
        {
            SafetensorsFile.Write(
                Path.Combine(directory, CheckpointFiles.Safetensors),
                named_parameters().Select(p => (p.name, (Tensor)p.parameter)).ToList());
        }

        AtomicFile.WriteAllText(
            Path.Combine(directory, "config.json"),
            PretrainedConfig.ToJson(Architecture).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    public override void LoadWeights(string directory)
    {
        using var checkpoint = CheckpointReader.Read(directory);
        CheckpointMatcher.Apply(this, this, checkpoint, allowFreshHead: false, initializeFresh: null);
    }

    /// <summary>HF's initialisation of one freshly created head parameter (the family's <c>_init_weights</c>).</summary>
    internal virtual void InitializeFresh(string name, Parameter parameter, Generator? generator)
    {
        using var noGrad = torch.no_grad();
        if (name.EndsWith(".bias", StringComparison.Ordinal))
        {
            parameter.zero_();
        }
        else if (parameter.dim() == 1)
        {
            parameter.fill_(1.0); // LayerNorm weight
        }
        else
        {
            Initializers.Normal(parameter, PretrainedConfig.InitializerRange, generator);
        }
    }
}
