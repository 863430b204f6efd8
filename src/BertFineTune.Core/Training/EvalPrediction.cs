using BertFineTune.Models;

namespace BertFineTune.Training;

/// <summary>
/// What a metrics function sees, like HF's <c>EvalPrediction</c>: the logits <c>[n][k]</c> in input order and the
/// labels (ids for single-label, multi-hot rows for multi-label).
/// </summary>
public sealed record EvalPrediction(
    float[][] Logits,
    int[]? LabelIds,
    float[][]? MultiHotLabels,
    ProblemType ProblemType,
    double MultiLabelThreshold = 0.5);
