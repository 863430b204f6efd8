using BertFineTune.Diagnostics;
using BertFineTune.Models;

namespace BertFineTune.Training.Losses;

/// <summary><c>class_weights: balanced</c>: weight(c) = n / (k · count(c)), as scikit-learn's <c>compute_class_weight</c>.</summary>
public static class ClassWeights
{
    /// <summary>
    /// For multi-label data count(c) is the number of examples where label c is on, n the number of examples.
    /// A class without any example is a user error: its weight would be infinite.
    /// </summary>
    public static float[] Balanced(IReadOnlyList<TrainingExample> examples, IReadOnlyList<string> labels, ProblemType problemType)
    {
        var k = labels.Count;
        var counts = new long[k];
        foreach (var e in examples)
        {
            if (problemType == ProblemType.MultiLabelClassification)
            {
                for (var c = 0; c < k; c++)
                {
                    if (e.MultiHot![c] > 0.5f)
                    {
                        counts[c]++;
                    }
                }
            }
            else
            {
                counts[e.LabelId]++;
            }
        }

        var missing = Enumerable.Range(0, k).Where(c => counts[c] == 0).Select(c => labels[c]).ToList();
        if (missing.Count > 0)
        {
            throw new UserErrorException(
                "BFT301",
                $"class_weights: balanced needs every label in the training data, but {string.Join(", ", missing.Select(m => $"'{m}'"))} has no example. Add examples or set class_weights: none.",
                key: "hyperparameters.class_weights");
        }

        var n = (double)examples.Count;
        return counts.Select(count => (float)(n / (k * (double)count))).ToArray();
    }
}
