using BertFineTune.Evaluation;
using BertFineTune.Models;
using BertFineTune.Training;
using TorchSharp;

namespace BertFineTune.Tests.Training.Support;

/// <summary>
/// A 3-class keyword task: each text is 2–12 filler words with one class keyword (alpha, beta, gamma) somewhere in
/// it. The multi-label variant puts any non-empty subset of the keywords in. Generated from a seed.
/// </summary>
internal static class SyntheticTask
{
    public static readonly string[] Labels = ["alpha", "beta", "gamma"];

    public static readonly string[] Filler = Enumerable.Range(0, 40).Select(i => $"w{i}").ToArray();

    public static WhitespaceTokenizer Tokenizer() => new(Labels.Concat(Filler));

    public static List<TrainingExample> SingleLabel(int count, int seed, int[]? classShares = null)
    {
        var rng = new Random(seed);
        var shares = classShares ?? [1, 1, 1];
        var pool = shares.SelectMany((s, c) => Enumerable.Repeat(c, s)).ToArray();
        return Enumerable.Range(0, count).Select(_ =>
        {
            var label = pool[rng.Next(pool.Length)];
            var words = RandomFiller(rng);
            words.Insert(rng.Next(words.Count + 1), Labels[label]);
            return TrainingExample.SingleLabel(string.Join(' ', words), label);
        }).ToList();
    }

    public static List<TrainingExample> MultiLabel(int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var mask = rng.Next(1, 8); // non-empty subset of 3 labels
            var hot = Enumerable.Range(0, 3).Select(c => (mask >> c & 1) == 1 ? 1f : 0f).ToArray();
            var words = RandomFiller(rng);
            for (var c = 0; c < 3; c++)
            {
                if (hot[c] > 0)
                {
                    words.Insert(rng.Next(words.Count + 1), Labels[c]);
                }
            }

            return TrainingExample.MultiLabel(string.Join(' ', words), hot);
        }).ToList();
    }

    /// <summary>
    /// A fresh model whose weights come from a local generator seeded with <paramref name="seed"/>, not from the
    /// global torch RNG, so tests running in parallel cannot change each other's initial weights.
    /// </summary>
    public static TinyClassifier Model(int seed = 1, ProblemType problemType = ProblemType.SingleLabelClassification, int hidden = 16)
    {
        var model = new TinyClassifier(Tokenizer().VocabSize, hidden, Labels, problemType);
        var generator = new torch.Generator((ulong)seed);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        foreach (var (name, p) in model.named_parameters())
        {
            var noise = torch.randn(p.shape, generator: generator);
            p.copy_(name.StartsWith("LayerNorm.weight", StringComparison.Ordinal) ? 1 + (0.1 * noise) : 0.5 * noise);
        }

        return model;
    }

    public static IReadOnlyDictionary<string, double> Accuracy(EvalPrediction p)
    {
        if (p.ProblemType == ProblemType.MultiLabelClassification)
        {
            var exact = p.Logits.Select((row, i) => row.Select((z, c) => (z > 0 ? 1f : 0f) == p.MultiHotLabels![i][c]).All(x => x)).Count(x => x);
            return new Dictionary<string, double> { ["subset_accuracy"] = (double)exact / p.Count };
        }

        var correct = p.Logits.Select((row, i) => Array.IndexOf(row, row.Max()) == p.LabelIds![i]).Count(x => x);
        return new Dictionary<string, double> { ["accuracy"] = (double)correct / p.Count };
    }

    private static List<string> RandomFiller(Random rng) =>
        Enumerable.Range(0, rng.Next(2, 13)).Select(_ => Filler[rng.Next(Filler.Length)]).ToList();
}
