using BertFineTune.Models.Configuration;
using BertFineTune.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

#pragma warning disable SA1402, SA1649 // One file per architecture, mirroring modeling_roberta.py.

namespace BertFineTune.Models;

/// <summary>
/// <c>RobertaEmbeddings</c>: as BERT's, but position ids count non-pad tokens from <c>padding_idx + 1</c> and pads get
/// position <c>padding_idx</c>.
/// </summary>
public sealed class RobertaEmbeddings : nn.Module<ModelInputs, Tensor>
{
    private readonly Embedding word_embeddings;
    private readonly Embedding position_embeddings;
    private readonly Embedding token_type_embeddings;
    private readonly HfLayerNorm LayerNorm;
    private readonly HashDropout dropout;
    private readonly long _padding;

    public RobertaEmbeddings(BertConfig config)
        : base(nameof(RobertaEmbeddings))
    {
        _padding = config.PadTokenId;
        word_embeddings = WordEmbeddings.Create(config.VocabSize, config.HiddenSize, config.PadTokenId);
        position_embeddings = nn.Embedding(config.MaxPositionEmbeddings, config.HiddenSize, padding_idx: config.PadTokenId);
        token_type_embeddings = nn.Embedding(config.TypeVocabSize, config.HiddenSize);
        LayerNorm = new HfLayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = new HashDropout(config.HiddenDropoutProb);
        register_module(nameof(word_embeddings), word_embeddings);
        register_module(nameof(position_embeddings), position_embeddings);
        register_module(nameof(token_type_embeddings), token_type_embeddings);
        register_module(nameof(LayerNorm), LayerNorm);
        register_module(nameof(dropout), dropout);
    }

    /// <summary>HF's <c>create_position_ids_from_input_ids</c>: <c>cumsum(id ≠ pad) · (id ≠ pad) + pad</c>.</summary>
    public static Tensor PositionIds(Tensor inputIds, long padding)
    {
        using var scope = torch.NewDisposeScope();
        var notPad = inputIds.ne(padding).to(ScalarType.Int64);
        return (notPad.cumsum(1) * notPad + padding).MoveToOuterDisposeScope();
    }

    public override Tensor forward(ModelInputs inputs) => forward(inputs, null);

    /// <summary>Padded <c>[batch, seq, hidden]</c>, or <c>[tokens, hidden]</c> for the real tokens of <paramref name="packing"/>.</summary>
    public Tensor forward(ModelInputs inputs, PackedSequences? packing)
    {
        using var scope = torch.NewDisposeScope();
        var ids = inputs.InputIds;
        var types = inputs.TokenTypeIds ?? torch.zeros_like(ids);

        // Positions come from the padded row (they count non-pad ids), then travel with their tokens.
        var positions = PositionIds(ids, _padding);
        if (packing is not null)
        {
            (ids, types, positions) = (packing.Pack(ids), packing.Pack(types), packing.Pack(positions));
        }

        var sum = WordEmbeddings.Lookup(word_embeddings, ids) + token_type_embeddings.forward(types) + position_embeddings.forward(positions);
        return dropout.forward(LayerNorm.forward(sum)).MoveToOuterDisposeScope();
    }
}

/// <summary><c>RobertaModel</c> without pooler (as RobertaForSequenceClassification builds it): embeddings + encoder.</summary>
public sealed class RobertaModel : nn.Module<ModelInputs, Tensor>
{
    private readonly RobertaEmbeddings embeddings;
    private readonly BertEncoder encoder;

    public RobertaModel(BertConfig config)
        : base(nameof(RobertaModel))
    {
        embeddings = new RobertaEmbeddings(config);
        encoder = new BertEncoder(config);
        register_module(nameof(embeddings), embeddings);
        register_module(nameof(encoder), encoder);
    }

    public override Tensor forward(ModelInputs inputs) => Encode(inputs, null);

    /// <summary>The last hidden state: <c>[tokens, hidden]</c> when <paramref name="packing"/> is given, else padded.</summary>
    public Tensor Encode(ModelInputs inputs, PackedSequences? packing)
    {
        using var scope = torch.NewDisposeScope();
        var batch = new AttentionBatch(ScaledDotProductAttention.PaddingMask(inputs.AttentionMask), packing);
        return encoder.forward(embeddings.forward(inputs, packing), batch).MoveToOuterDisposeScope();
    }
}

/// <summary><c>RobertaClassificationHead</c>: first token, dropout, dense, tanh, dropout, out_proj.</summary>
public sealed class RobertaClassificationHead(BertConfig config)
    : FirstTokenClassificationHead(
        nameof(RobertaClassificationHead),
        config.HiddenSize,
        config.Labels.Count,
        config.ClassifierDropout ?? config.HiddenDropoutProb,
        x => x.tanh());

/// <summary><c>RobertaForSequenceClassification</c> (also XLM-RoBERTa, model_type <c>xlm-roberta</c>).</summary>
public sealed class RobertaForSequenceClassification : HfSequenceClassifier
{
    private readonly RobertaModel roberta;
    private readonly RobertaClassificationHead classifier;

    public RobertaForSequenceClassification(BertConfig config)
        : base(nameof(RobertaForSequenceClassification), config)
    {
        Config = config;
        roberta = new RobertaModel(config);
        classifier = new RobertaClassificationHead(config);
        register_module(nameof(roberta), roberta);
        register_module(nameof(classifier), classifier);
    }

    public BertConfig Config { get; }

    public override string Architecture =>
        Config.ModelType == "xlm-roberta" ? "XLMRobertaForSequenceClassification" : nameof(RobertaForSequenceClassification);

    public override string LabelLayerWeight => "classifier.out_proj.weight";

    /// <summary>Positions start at <c>pad + 1</c>, so <c>max_position_embeddings − pad − 1</c> tokens fit (512 − 2 for roberta-base's 514).</summary>
    public override int MaxSequenceLength => Config.MaxPositionEmbeddings - Config.PadTokenId - 1;

    public override bool UsesTokenTypeIds => false;

    protected override string BasePrefix => "roberta.";

    protected override IReadOnlyList<string> HeadPrefixes { get; } = ["classifier."];

    protected override IReadOnlyList<string> IgnoredCheckpointPrefixes { get; } = ["lm_head.", "roberta.pooler."];

    public override bool SupportsUnpadded => true;

    public override Tensor ForwardHidden(ModelInputs inputs) => PaddedHidden(inputs, roberta.Encode);

    public override Tensor forward(ModelInputs inputs)
    {
        using var scope = torch.NewDisposeScope();
        return Logits(classifier.ClassifyFirstTokens(FirstTokenHidden(inputs, roberta.Encode))).MoveToOuterDisposeScope();
    }
}
