using BertFineTune.Models.Configuration;
using BertFineTune.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

#pragma warning disable SA1402, SA1649 // One file per architecture, mirroring modeling_electra.py.

namespace BertFineTune.Models;

/// <summary>
/// <c>ElectraEmbeddings</c>: BERT's word + absolute position + token type sum and LayerNorm, at <c>embedding_size</c>
/// (not <c>hidden_size</c>).
/// </summary>
public sealed class ElectraEmbeddings(ElectraConfig config)
    : BertEmbeddings(nameof(ElectraEmbeddings), config.Encoder, config.EmbeddingSize);

/// <summary>
/// <c>ElectraModel</c>: embeddings, <c>embeddings_project</c> (only when <c>embedding_size ≠ hidden_size</c>) and BERT's
/// encoder. There is no pooler.
/// </summary>
public sealed class ElectraModel : nn.Module<ModelInputs, Tensor>
{
    private readonly ElectraEmbeddings embeddings;
    private readonly MixedPrecisionLinear? embeddings_project;
    private readonly BertEncoder encoder;

    public ElectraModel(ElectraConfig config)
        : base(nameof(ElectraModel))
    {
        embeddings = new ElectraEmbeddings(config);
        register_module(nameof(embeddings), embeddings);
        if (config.EmbeddingSize != config.HiddenSize)
        {
            embeddings_project = new MixedPrecisionLinear(config.EmbeddingSize, config.HiddenSize);
            register_module(nameof(embeddings_project), embeddings_project);
        }

        encoder = new BertEncoder(config.Encoder);
        register_module(nameof(encoder), encoder);
    }

    /// <summary>The last hidden state <c>[batch, seq, hidden]</c> (padded path).</summary>
    public override Tensor forward(ModelInputs inputs) => Encode(inputs, null);

    /// <summary>
    /// The last hidden state: <c>[tokens, hidden]</c> for the real tokens of <paramref name="packing"/>, or padded
    /// <c>[batch, seq, hidden]</c> when it is null. <c>embeddings_project</c> is position-wise, so it runs on either layout.
    /// </summary>
    public Tensor Encode(ModelInputs inputs, PackedSequences? packing)
    {
        using var scope = torch.NewDisposeScope();
        var batch = new AttentionBatch(ScaledDotProductAttention.PaddingMask(inputs.AttentionMask), packing);
        var hidden = embeddings.forward(inputs, packing);
        if (embeddings_project is not null)
        {
            hidden = embeddings_project.forward(hidden);
        }

        return encoder.forward(hidden, batch).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// <c>ElectraClassificationHead</c>: first token, dropout, dense, GELU, dropout, out_proj. The GELU is fixed (exact erf
/// form) whatever <c>hidden_act</c> says, as in transformers.
/// </summary>
public sealed class ElectraClassificationHead(ElectraConfig config)
    : FirstTokenClassificationHead(
        nameof(ElectraClassificationHead),
        config.HiddenSize,
        config.Labels.Count,
        config.ClassifierDropout ?? config.HiddenDropoutProb,
        x => nn.functional.gelu(x));

/// <summary><c>ElectraForSequenceClassification</c>: <c>electra</c> (the discriminator) and <c>classifier</c>.</summary>
public sealed class ElectraForSequenceClassification : HfSequenceClassifier
{
    private readonly ElectraModel electra;
    private readonly ElectraClassificationHead classifier;

    public ElectraForSequenceClassification(ElectraConfig config)
        : base(nameof(ElectraForSequenceClassification), config)
    {
        Config = config;
        electra = new ElectraModel(config);
        classifier = new ElectraClassificationHead(config);
        register_module(nameof(electra), electra);
        register_module(nameof(classifier), classifier);
    }

    public ElectraConfig Config { get; }

    public override string LabelLayerWeight => "classifier.out_proj.weight";

    public override int MaxSequenceLength => Config.MaxPositionEmbeddings;

    public override bool UsesTokenTypeIds => true;

    protected override string BasePrefix => "electra.";

    protected override IReadOnlyList<string> HeadPrefixes { get; } = ["classifier."];

    /// <summary>ElectraForPreTraining's discriminator head and ElectraForMaskedLM's generator head.</summary>
    protected override IReadOnlyList<string> IgnoredCheckpointPrefixes { get; } =
        ["discriminator_predictions.", "generator_predictions.", "generator_lm_head."];

    public override bool SupportsUnpadded => true;

    public override Tensor ForwardHidden(ModelInputs inputs) => PaddedHidden(inputs, electra.Encode);

    public override Tensor forward(ModelInputs inputs)
    {
        using var scope = torch.NewDisposeScope();
        return Logits(classifier.ClassifyFirstTokens(FirstTokenHidden(inputs, electra.Encode))).MoveToOuterDisposeScope();
    }
}
