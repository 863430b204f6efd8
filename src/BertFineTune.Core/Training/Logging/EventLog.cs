using System.Text.Json;
using System.Text.Json.Nodes;

namespace BertFineTune.Training.Logging;

/// <summary>
/// <c>&lt;output_dir&gt;/logs/events.jsonl</c>: one JSON object per line with <c>event</c> (log, eval, save,
/// early_stop, train_end, warning, resume), <c>time</c> (UTC ISO-8601), <c>step</c>, <c>epoch</c> and the values.
/// Each line is flushed at once, so a crash loses at most the line being written.
/// </summary>
public sealed class EventLog : IDisposable
{
    private readonly StreamWriter _writer;

    public EventLog(string path)
    {
        Path = path;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
    }

    public string Path { get; }

    public void Write(string eventName, long step, double epoch, IReadOnlyDictionary<string, double>? values = null, IReadOnlyDictionary<string, string>? text = null)
    {
        var o = new JsonObject
        {
            ["event"] = eventName,
            ["time"] = DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["step"] = step,
            ["epoch"] = epoch,
        };
        foreach (var (k, v) in values ?? new Dictionary<string, double>())
        {
            o[k] = double.IsFinite(v) ? v : null;
        }

        foreach (var (k, v) in text ?? new Dictionary<string, string>())
        {
            o[k] = v;
        }

        _writer.WriteLine(o.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
    }

    public void Dispose() => _writer.Dispose();
}
