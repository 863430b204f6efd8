using BertFineTune.Models;

namespace BertFineTune.Evaluation;

/// <summary>
/// What a model predicted on an evaluation set and what was expected, like the HF Trainer's <c>EvalPrediction</c>.
/// Single-label: <see cref="LabelIds"/> holds one class id per row. Multi-label: <see cref="MultiHotLabels"/> holds
/// one 0/1 target per label per row. Build it with <see cref="SingleLabel(float[][], int[])"/> or
/// <see cref="MultiLabel(float[][], float[][])"/> (or their flat-array overloads), which check every shape.
/// </summary>
public sealed record EvalPrediction
{
    private EvalPrediction(float[][] logits, int[]? labelIds, float[][]? multiHotLabels, ProblemType problemType, int numLabels)
    {
        Logits = logits;
        LabelIds = labelIds;
        MultiHotLabels = multiHotLabels;
        ProblemType = problemType;
        NumLabels = numLabels;
    }

    /// <summary>One row of raw logits per example, <see cref="NumLabels"/> wide.</summary>
    public IReadOnlyList<float[]> Logits { get; }

    /// <summary>The true class id of every row (single-label), else null.</summary>
    public IReadOnlyList<int>? LabelIds { get; }

    /// <summary>The multi-hot targets of every row (multi-label), else null.</summary>
    public IReadOnlyList<float[]>? MultiHotLabels { get; }

    public ProblemType ProblemType { get; }

    /// <summary>The number of classes (single-label) or labels (multi-label): the logits' width.</summary>
    public int NumLabels { get; }

    /// <summary>The number of examples.</summary>
    public int Count => Logits.Count;

    /// <summary>Single-label predictions: logits [n][numLabels] and class ids [n].</summary>
    public static EvalPrediction SingleLabel(float[][] logits, int[] labelIds)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labelIds);
        var numLabels = CheckRectangular(logits, nameof(logits));
        if (labelIds.Length != logits.Length)
        {
            throw new ArgumentException($"There are {logits.Length} logit rows but {labelIds.Length} label ids.", nameof(labelIds));
        }

        for (var i = 0; i < labelIds.Length; i++)
        {
            if (labelIds[i] < 0 || labelIds[i] >= numLabels)
            {
                throw new ArgumentOutOfRangeException(nameof(labelIds), $"Label id {labelIds[i]} at row {i} is outside 0..{numLabels - 1}.");
            }
        }

        return new EvalPrediction(logits, labelIds, null, ProblemType.SingleLabelClassification, numLabels);
    }

    /// <summary>Single-label predictions from a row-major flat logits array of shape [rows, numLabels].</summary>
    public static EvalPrediction SingleLabel(float[] flatLogits, int rows, int numLabels, int[] labelIds) =>
        SingleLabel(Reshape(flatLogits, rows, numLabels, nameof(flatLogits)), labelIds);

    /// <summary>Multi-label predictions: logits [n][numLabels] and multi-hot targets [n][numLabels] (a target above 0.5 counts as on).</summary>
    public static EvalPrediction MultiLabel(float[][] logits, float[][] multiHotLabels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(multiHotLabels);
        var numLabels = CheckRectangular(logits, nameof(logits));
        if (multiHotLabels.Length != logits.Length)
        {
            throw new ArgumentException($"There are {logits.Length} logit rows but {multiHotLabels.Length} target rows.", nameof(multiHotLabels));
        }

        for (var i = 0; i < multiHotLabels.Length; i++)
        {
            if (multiHotLabels[i] is null || multiHotLabels[i].Length != numLabels)
            {
                throw new ArgumentException($"Target row {i} must have {numLabels} values, one per label.", nameof(multiHotLabels));
            }
        }

        return new EvalPrediction(logits, null, multiHotLabels, ProblemType.MultiLabelClassification, numLabels);
    }

    /// <summary>Multi-label predictions from row-major flat arrays, both of shape [rows, numLabels].</summary>
    public static EvalPrediction MultiLabel(float[] flatLogits, int rows, int numLabels, float[] flatMultiHotLabels) =>
        MultiLabel(
            Reshape(flatLogits, rows, numLabels, nameof(flatLogits)),
            Reshape(flatMultiHotLabels, rows, numLabels, nameof(flatMultiHotLabels)));

    private static int CheckRectangular(float[][] rows, string paramName)
    {
        if (rows.Length == 0)
        {
            throw new ArgumentException("At least one example is required to compute metrics.", paramName);
        }

        var width = rows[0]?.Length ?? 0;
        if (width == 0)
        {
            throw new ArgumentException("Logit rows must hold at least one value.", paramName);
        }

        for (var i = 1; i < rows.Length; i++)
        {
            if (rows[i] is null || rows[i].Length != width)
            {
                throw new ArgumentException($"Logit row {i} has {rows[i]?.Length ?? 0} values; row 0 has {width}.", paramName);
            }
        }

        return width;
    }

    private static float[][] Reshape(float[] flat, int rows, int columns, string paramName)
    {
        ArgumentNullException.ThrowIfNull(flat, paramName);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if ((long)rows * columns != flat.Length)
        {
            throw new ArgumentException($"A [{rows}, {columns}] array needs {(long)rows * columns} values but {flat.Length} were given.", paramName);
        }

        var result = new float[rows][];
        for (var r = 0; r < rows; r++)
        {
            result[r] = flat.AsSpan(r * columns, columns).ToArray();
        }

        return result;
    }
}
