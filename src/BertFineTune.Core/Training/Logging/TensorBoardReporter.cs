using BertFineTune.Tracking;
using TorchSharp;
using TorchSharp.Modules;

namespace BertFineTune.Training.Logging;

/// <summary>
/// <c>report_to: tensorboard</c> (and the offline record of <c>wandb</c> / <c>mlflow</c>): TorchSharp's SummaryWriter
/// under <c>&lt;output_dir&gt;/logs/tensorboard</c>. Scalars carry the names the live trackers use
/// (<see cref="MetricNames"/>: <c>train/loss</c>, <c>eval/f1</c>, <c>train/epoch</c>, <c>train/global_step</c>), so
/// <c>wandb sync --sync-tensorboard</c> uploads the same series a live run sends.
/// </summary>
public sealed class TensorBoardReporter
{
    private readonly SummaryWriter _writer;

    public TensorBoardReporter(string logDir)
    {
        Directory.CreateDirectory(logDir);
        _writer = torch.utils.tensorboard.SummaryWriter(logDir, createRunName: false);
        LogDir = logDir;
    }

    public string LogDir { get; }

    /// <summary>Writes a Trainer row (<c>loss</c>, <c>eval_f1</c>, <c>epoch</c>, <c>step</c>, ...) at <paramref name="step"/>.</summary>
    public void Scalars(IReadOnlyDictionary<string, double> values, long step)
    {
        foreach (var (tag, value) in MetricNames.Rewrite(values))
        {
            _writer.add_scalar(tag, (float)value, (int)step);
        }
    }
}
