using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Models;

/// <summary>
/// The contract every architecture (<c>BertForSequenceClassification</c>, <c>DistilBertForSequenceClassification</c>,
/// <c>RobertaForSequenceClassification</c>, <c>ModernBertForSequenceClassification</c>) fulfils, so that training,
/// evaluation and inference never depend on a concrete architecture.
/// </summary>
/// <remarks>
/// Parameter names (<c>named_parameters()</c>) are exactly Hugging Face's, prefixes included
/// (<c>bert.encoder.layer.0.attention.self.query.weight</c>, <c>classifier.weight</c>).
/// </remarks>
public abstract class SequenceClassificationModel : nn.Module<ModelInputs, Tensor>
{
    protected SequenceClassificationModel(string name)
        : base(name)
    {
    }

    /// <summary>The <c>model_type</c> of config.json: <c>bert</c>, <c>distilbert</c>, <c>roberta</c>, <c>xlm-roberta</c>, <c>electra</c>, <c>deberta-v2</c> or <c>modernbert</c>.</summary>
    public abstract string ModelType { get; }

    /// <summary>Label names by id (<c>id2label</c>).</summary>
    public abstract IReadOnlyList<string> Labels { get; }

    public abstract ProblemType ProblemType { get; }

    /// <summary>The longest sequence the position embeddings allow (for RoBERTa, <c>max_position_embeddings - 2</c>).</summary>
    public abstract int MaxSequenceLength { get; }

    /// <summary>Whether <see cref="ModelInputs.TokenTypeIds"/> is used.</summary>
    public abstract bool UsesTokenTypeIds { get; }

    /// <summary>Logits <c>[batch, num_labels]</c>, float32.</summary>
    public abstract override Tensor forward(ModelInputs inputs);

    /// <summary>
    /// The base model's last hidden state <c>[batch, seq, hidden]</c> (after <c>final_norm</c> for ModernBERT); padded
    /// positions hold zeros when the model runs unpadded.
    /// </summary>
    public abstract Tensor ForwardHidden(ModelInputs inputs);

    /// <summary>
    /// Whether this architecture can run unpadded: every position-wise part on the real tokens only (one
    /// <c>[tokens, hidden]</c> tensor per batch), attention one sequence at a time (re-padding q/k/v only for masks
    /// with holes). Families opt in; the others run padded.
    /// </summary>
    /// <remarks>
    /// Opting in takes four small steps (see BERT): the embeddings gather ids and positions with
    /// <see cref="Layers.PackedSequences.Pack"/>; each block implements <see cref="Layers.IUnpaddedLayer"/> and attends through
    /// <see cref="Layers.ScaledDotProductAttention.SelfAttention"/>; the head reads
    /// <see cref="Layers.PackedSequences.FirstTokenStates"/> (or unpacks for a masked mean); the class overrides this property
    /// and builds the packing with <c>HfSequenceClassifier.PackFor</c>.
    /// </remarks>
    public virtual bool SupportsUnpadded => false;

    /// <summary>
    /// Run unpadded where <see cref="SupportsUnpadded"/> (the default); false runs the padded path. Both give the same
    /// logits within float rounding; unpadded skips the padding's work. A batch without padding, or whose first column
    /// is padding (left padding), always runs padded.
    /// </summary>
    public bool Unpadded { get; set; } = true;

    /// <summary>
    /// With <see cref="Unpadded"/>, a batch runs packed only when its padded tokens exceed its real tokens by more than
    /// this factor. The default 1.2 comes from <c>bertft bench</c> with MiniLM on 2 cores: on SpamAssassin (padding
    /// ratio 1.06) packing made a bf16 step 11 % slower, per-sequence attention costing more than the 6 % of tokens it
    /// skips; on fortunes (2.89) it made steps 2–3× faster. Rechecked with the packed attention kernel: packing every
    /// SpamAssassin batch still made a bf16 step slower (416–433 against 396–405 ms). 1 packs every batch that has any
    /// padding.
    /// </summary>
    public double PackingThreshold { get; set; } = DefaultPackingThreshold;

    /// <summary>The default <see cref="PackingThreshold"/>.</summary>
    public const double DefaultPackingThreshold = 1.2;

    /// <summary>
    /// Mixed precision without autocast: with <c>bfloat16</c> every Linear layer casts its input and fp32 weight to
    /// bf16 for the matmul and keeps bf16 activations up to the next norm or residual (logits are fp32); <c>null</c> computes in fp32. Master weights always stay fp32.
    /// </summary>
    public abstract void SetLinearComputeType(ScalarType? dtype);

    /// <summary>Writes <c>config.json</c> and <c>model.safetensors</c> in Hugging Face format (atomically, per file).</summary>
    public abstract void SavePretrained(string directory);

    /// <summary>Loads the weights of a folder written by <see cref="SavePretrained"/> (or by transformers) into this instance; every key must match.</summary>
    public abstract void LoadWeights(string directory);
}
