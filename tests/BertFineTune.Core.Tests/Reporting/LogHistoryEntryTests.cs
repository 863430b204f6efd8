using BertFineTune.Reporting;

namespace BertFineTune.Tests.Reporting;

public sealed class LogHistoryEntryTests
{
    [Fact]
    public void Trainer_logs_map_to_entries()
    {
        var train = LogHistoryEntry.FromTrainerLog(new Dictionary<string, double>
        {
            ["step"] = 50,
            ["epoch"] = 0.32,
            ["loss"] = 1.4,
            ["learning_rate"] = 4.5e-5,
            ["grad_norm"] = 3.1,
        });
        var eval = LogHistoryEntry.FromTrainerLog(new Dictionary<string, double>
        {
            ["step"] = 155,
            ["epoch"] = 1,
            ["eval_loss"] = 0.9,
            ["eval_f1"] = 0.7,
            ["eval_runtime"] = 3.2,
        });

        Assert.Equal(new LogHistoryEntry(50, 0.32, 1.4, 4.5e-5, 3.1), train);
        Assert.Equal(155, eval.Step);
        Assert.Null(eval.Loss);
        Assert.Equal(0.9, eval.Eval("loss"));
        Assert.Equal(0.7, eval.Eval("f1"));
        Assert.Null(eval.Eval("accuracy"));
        Assert.Equal(["loss", "f1", "runtime"], eval.EvalMetricNames());
        Assert.Throws<ArgumentException>(() => LogHistoryEntry.FromTrainerLog(new Dictionary<string, double> { ["loss"] = 1 }));
    }

    [Fact]
    public void Eval_metrics_are_found_with_or_without_the_prefix()
    {
        var prefixed = new LogHistoryEntry(1, 0.1, EvalMetrics: new Dictionary<string, double> { ["eval_f1"] = 0.5 });
        var plain = new LogHistoryEntry(1, 0.1, EvalMetrics: new Dictionary<string, double> { ["f1"] = 0.5 });

        Assert.Equal(0.5, prefixed.Eval("f1"));
        Assert.Equal(0.5, plain.Eval("f1"));
        Assert.Equal(["f1"], prefixed.EvalMetricNames());
    }
}
