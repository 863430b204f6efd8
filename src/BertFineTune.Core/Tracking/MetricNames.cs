namespace BertFineTune.Tracking;

/// <summary>
/// The names every sink uses for one Trainer value, as HF's <c>rewrite_logs</c> makes them for W&amp;B, MLflow and
/// TensorBoard alike: <c>eval_f1</c> → <c>eval/f1</c>, <c>test_loss</c> → <c>test/loss</c>, anything else
/// <c>train/</c> + key (<c>train/loss</c>, <c>train/train_runtime</c>); the row's step is <c>train/global_step</c>.
/// </summary>
public static class MetricNames
{
    public const string GlobalStep = "train/global_step";

    public static string Of(string key) => key switch
    {
        "step" => GlobalStep,
        _ when key.StartsWith("eval_", StringComparison.Ordinal) => "eval/" + key["eval_".Length..],
        _ when key.StartsWith("test_", StringComparison.Ordinal) => "test/" + key["test_".Length..],
        _ => "train/" + key,
    };

    /// <summary>The finite values of a row under their tracked names (NaN and infinities have no JSON form).</summary>
    public static SortedDictionary<string, double> Rewrite(IReadOnlyDictionary<string, double> values)
    {
        var named = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (key, value) in values)
        {
            if (double.IsFinite(value))
            {
                named[Of(key)] = value;
            }
        }

        return named;
    }
}
