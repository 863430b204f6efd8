using TorchSharp;
using TorchSharp.Modules;

namespace BertFineTune.Training.Logging;

/// <summary>
/// <c>report_to: tensorboard</c>: TorchSharp's SummaryWriter under <c>&lt;output_dir&gt;/logs/tensorboard</c>; scalars
/// are tagged as HF's TensorBoardCallback does (<c>train/loss</c>, <c>eval/f1</c>).
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

    public void Scalars(IReadOnlyDictionary<string, double> values, long step)
    {
        foreach (var (key, value) in values)
        {
            if (key is "epoch" or "step" || !double.IsFinite(value))
            {
                continue;
            }

            var tag = key.StartsWith("eval_", StringComparison.Ordinal) ? "eval/" + key["eval_".Length..] : "train/" + key;
            _writer.add_scalar(tag, (float)value, (int)step);
        }
    }
}
