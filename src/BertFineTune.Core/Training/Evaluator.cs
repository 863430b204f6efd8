using System.Diagnostics;
using BertFineTune.Diagnostics;
using BertFineTune.Evaluation;
using BertFineTune.Models;
using BertFineTune.Training.Batching;
using BertFineTune.Training.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Training;

/// <summary>One evaluation pass: no_grad, eval mode, longest batches first, logits restored to input order.</summary>
internal sealed class Evaluator : IDisposable
{
    private readonly Trainer _trainer;
    private readonly TokenizedDataset _data;
    private readonly ClassificationLoss _loss;
    private readonly ClassificationLoss? _plainLoss;
    private readonly bool _ownsLoss;

    public Evaluator(Trainer trainer, IReadOnlyList<TrainingExample> examples, ClassificationLoss? loss = null)
        : this(trainer, Tokenized(trainer, examples), loss)
    {
    }

    /// <summary>Evaluates an already tokenized set (the training loop keeps one for all its evaluations).</summary>
    public Evaluator(Trainer trainer, TokenizedDataset data, ClassificationLoss? loss = null)
    {
        _trainer = trainer;
        _data = data;
        _ownsLoss = loss is null;
        _loss = loss ?? new ClassificationLoss(trainer.Model.ProblemType, trainer.Options.LabelSmoothing);

        // Training evaluates with its class-weighted loss (the curves follow the objective); the plain loss, which
        // Trainer.Evaluate reports, is summed beside it so the final report can reuse this pass.
        _plainLoss = _loss.IsWeighted ? new ClassificationLoss(trainer.Model.ProblemType, trainer.Options.LabelSmoothing) : null;
    }

    public EvaluationOutput Run(string prefix, CancellationToken cancellationToken)
    {
        var model = _trainer.Model;
        var o = _trainer.Options;
        var n = _data.Count;
        var k = model.Labels.Count;
        var watch = Stopwatch.StartNew();
        var logits = new float[n][];
        double lossSum = 0;
        double plainLossSum = 0;
        var order = Samplers.ByLengthDescending(_data.Lengths(Math.Max(1, o.DataloaderNumWorkers)));
        var batches = order.Chunk(o.EffectiveEvalBatchSize).ToList();
        model.SetLinearComputeType(_trainer.Precision.LinearComputeType);
        model.Unpadded = o.Unpadded;
        model.eval();
        using (torch.no_grad())
        {
            foreach (var batch in BatchPipeline.Batches(_data, batches, _trainer.Tokenizer.ReturnsTokenTypeIds && model.UsesTokenTypeIds, k, o.DataloaderNumWorkers, cancellationToken))
            {
                using var scope = torch.NewDisposeScope();
                var output = model.forward(batch.ToInputs(_trainer.Device));
                var labels = batch.LabelsTensor(_trainer.Device);
                lossSum += _loss.Compute(output, labels).item<float>() * batch.Size;
                plainLossSum += _plainLoss is null ? 0 : _plainLoss.Compute(output, labels).item<float>() * batch.Size;
                var values = output.to_type(ScalarType.Float32).cpu().data<float>().ToArray();
                for (var r = 0; r < batch.Size; r++)
                {
                    logits[batch.Indices[r]] = values.AsSpan(r * k, k).ToArray();
                }
            }
        }

        var seconds = Math.Max(watch.Elapsed.TotalSeconds, 1e-9);
        var metrics = new Dictionary<string, double> { [$"{prefix}_loss"] = n == 0 ? 0 : lossSum / n };
        if (_trainer.ComputeMetrics is { } compute && n > 0)
        {
            var multi = model.ProblemType == ProblemType.MultiLabelClassification;
            var prediction = multi
                ? EvalPrediction.MultiLabel(logits, _data.Examples.Select(e => e.MultiHot!).ToArray())
                : EvalPrediction.SingleLabel(logits, _data.Examples.Select(e => e.LabelId).ToArray());
            foreach (var (key, value) in compute(prediction))
            {
                metrics[key.StartsWith(prefix + "_", StringComparison.Ordinal) ? key : $"{prefix}_{key}"] = value;
            }
        }

        metrics[$"{prefix}_runtime"] = seconds;
        metrics[$"{prefix}_samples_per_second"] = n / seconds;
        metrics[$"{prefix}_steps_per_second"] = batches.Count / seconds;
        return new EvaluationOutput(logits, metrics) { UnweightedLoss = _plainLoss is null || n == 0 ? null : plainLossSum / n };
    }

    public static TokenizedDataset Tokenized(Trainer trainer, IReadOnlyList<TrainingExample> examples)
    {
        ExampleValidator.Validate(examples, trainer.Model, "eval");
        return trainer.Encodings(examples);
    }

    public void Dispose()
    {
        if (_ownsLoss)
        {
            _loss.Dispose();
        }

        _plainLoss?.Dispose();
    }
}

/// <summary>Labels must fit the model: ids in 0..k-1 for single-label, k-long multi-hot rows for multi-label.</summary>
internal static class ExampleValidator
{
    public static void Validate(IReadOnlyList<TrainingExample> examples, SequenceClassificationModel model, string split)
    {
        var k = model.Labels.Count;
        var multi = model.ProblemType == ProblemType.MultiLabelClassification;
        for (var i = 0; i < examples.Count; i++)
        {
            var e = examples[i];
            var ok = multi ? e.MultiHot is { } hot && hot.Length == k : e.LabelId >= 0 && e.LabelId < k;
            if (!ok)
            {
                var what = multi
                    ? $"needs a multi-hot label row of length {k} (got {(e.MultiHot is null ? "none" : e.MultiHot.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))})"
                    : $"has label id {e.LabelId}, outside 0..{k - 1} of the model's {k} labels";
                throw new UserErrorException("BFT308", $"{split} example {i} {what}. Check the label column and the model's id2label.");
            }
        }
    }
}
