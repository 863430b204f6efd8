using BertFineTune.Models;
using BertFineTune.Models.Layers;

namespace BertFineTune.Training.Benchmarking;

/// <summary>
/// The FLOPs a training step must do on its real tokens, by the usual count: 6 × non-embedding parameters × tokens
/// (forward 2, backward 4) plus attention, 12 × layers × hidden × L² per text of L tokens (QKᵀ and AV, 2·L²·hidden each
/// forward, three times that with the backward). Padding is not counted: work on pad tokens is waste, not work.
/// ModernBERT's sliding-window layers are counted as global, so its figure is an upper bound.
/// </summary>
public sealed record ModelFlops(long NonEmbeddingParameters, int Layers, int HiddenSize)
{
    public static ModelFlops Of(SequenceClassificationModel model, int layers, int hiddenSize)
    {
        long count = 0;
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (!name.Contains("embeddings", StringComparison.Ordinal))
            {
                count += parameter.numel();
            }
        }

        return new ModelFlops(count, layers, hiddenSize);
    }

    /// <summary>
    /// The distinct <c>[out, in]</c> shapes of the model's Linear layers that carry its FLOPs: the GEMMs a step runs.
    /// Layers under a tenth of the largest (the classification head, a few labels wide) are left out: their products
    /// are too thin to say anything about the machine's peak.
    /// </summary>
    public static IReadOnlyList<(long Out, long In)> LinearShapes(SequenceClassificationModel model)
    {
        var shapes = model.modules().OfType<MixedPrecisionLinear>().Select(l => (l.OutFeatures, l.InFeatures)).Distinct().ToList();
        var largest = shapes.Count == 0 ? 0 : shapes.Max(s => s.OutFeatures * s.InFeatures);
        return shapes.Where(s => s.OutFeatures * s.InFeatures * 10 >= largest).ToList();
    }

    public double TrainingFlops(BatchShape batch) =>
        (6.0 * NonEmbeddingParameters * batch.RealTokens) + (12.0 * Layers * HiddenSize * batch.SquaredLengths);
}
