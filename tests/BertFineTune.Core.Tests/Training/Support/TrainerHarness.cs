using BertFineTune.Config;
using BertFineTune.Evaluation;
using BertFineTune.Training;

namespace BertFineTune.Tests.Training.Support;

/// <summary>Options and runs shared by the trainer tests: the synthetic task, one torch thread, fast settings.</summary>
internal static class TrainerHarness
{
    public static TrainerOptions Options(string outputDir) => new()
    {
        OutputDir = outputDir,
        Epochs = 3,
        BatchSize = 8,
        LearningRate = 5e-2,
        WeightDecay = 0.01,
        MaxLength = 16,
        Seed = 42,
        Threads = 1,
        LoggingStrategy = IntervalStrategy.Steps,
        LoggingSteps = 5,
        SaveStrategy = IntervalStrategy.No,
        ReportTo = [ReportSink.Jsonl],
    };

    public static async Task<(TrainingResult Result, TinyClassifier Model)> Train(
        TrainerOptions options,
        IReadOnlyList<TrainingExample> train,
        IReadOnlyList<TrainingExample>? eval = null,
        Func<EvalPrediction, IReadOnlyDictionary<string, double>>? metrics = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default,
        BertFineTune.Models.ProblemType problemType = BertFineTune.Models.ProblemType.SingleLabelClassification)
    {
        var model = SyntheticTask.Model(problemType: problemType);
        var trainer = new Trainer(model, SyntheticTask.Tokenizer(), options, metrics ?? SyntheticTask.Accuracy);
        var result = await trainer.TrainAsync(train, eval, progress, cancellationToken);
        return (result, model);
    }

    /// <summary>Reports synchronously on the training thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    public sealed class InlineProgress(Action<TrainingProgress> onReport) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => onReport(value);
    }

    /// <summary>A metric function that returns a scripted "score" per evaluation, to drive best-model and early-stopping logic.</summary>
    public static Func<EvalPrediction, IReadOnlyDictionary<string, double>> Scripted(params double[] scores)
    {
        var calls = 0;
        return _ => new Dictionary<string, double> { ["score"] = scores[Math.Min(calls++, scores.Length - 1)] };
    }

    public static void AssertSameWeights(Dictionary<string, float[]> a, Dictionary<string, float[]> b, double tolerance = 0)
    {
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var (name, values) in a)
        {
            var other = b[name];
            var max = values.Zip(other, (x, y) => Math.Abs(x - y)).Max();
            Assert.True(max <= tolerance, $"{name}: max |Δ| {max} > {tolerance}");
        }
    }
}
