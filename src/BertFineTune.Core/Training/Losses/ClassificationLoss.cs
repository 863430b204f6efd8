using BertFineTune.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Training.Losses;

/// <summary>
/// The loss HF's sequence classifiers compute: cross-entropy (with <c>label_smoothing_factor</c>, as the Trainer's
/// LabelSmoother) for single-label, BCE-with-logits for multi-label; optional per-class weights for both.
/// </summary>
public sealed class ClassificationLoss : IDisposable
{
    private readonly Tensor? _weights;

    public ClassificationLoss(ProblemType problemType, double labelSmoothing = 0.0, float[]? classWeights = null)
    {
        ProblemType = problemType;
        LabelSmoothing = labelSmoothing;
        _weights = classWeights is null ? null : torch.tensor(classWeights).DetachFromDisposeScope();
    }

    public ProblemType ProblemType { get; }

    public double LabelSmoothing { get; }

    /// <summary>Whether per-class weights scale the loss (<c>class_weights: balanced</c>).</summary>
    public bool IsWeighted => _weights is not null;

    /// <summary>The mean loss of a batch. <paramref name="labels"/>: int64 <c>[b]</c> ids, or float <c>[b, k]</c> multi-hot.</summary>
    public Tensor Compute(Tensor logits, Tensor labels)
    {
        var weight = _weights?.to(logits.device);
        if (ProblemType == ProblemType.MultiLabelClassification)
        {
            var perElement = nn.functional.binary_cross_entropy_with_logits(logits, labels.to_type(logits.dtype), reduction: nn.Reduction.None);
            return weight is null ? perElement.mean() : (perElement * weight).mean();
        }

        return nn.functional.cross_entropy(logits, labels, weight, reduction: nn.Reduction.Mean, label_smoothing: LabelSmoothing);
    }

    public void Dispose() => _weights?.Dispose();
}
