namespace BertFineTune.Evaluation;

/// <summary>The output of <see cref="ClassificationMetrics.ComputeMetrics"/>: the flat metrics a Trainer logs, and the full report.</summary>
/// <param name="Metrics">Unprefixed metric names to values (see <see cref="ClassificationReport.ToMetricsDictionary"/>).</param>
/// <param name="Report">Per-class table, confusion matrix, label names and counts.</param>
public sealed record EvaluationResult(IReadOnlyDictionary<string, double> Metrics, ClassificationReport Report);
