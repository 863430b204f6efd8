using System.Text.Json;
using System.Text.Json.Nodes;
using BertFineTune.IO;

namespace BertFineTune.Training.Logging;

/// <summary>
/// <c>&lt;output_dir&gt;/logs/events.jsonl</c>: one JSON object per line with <c>event</c> (run_start, log, eval, save,
/// early_stop, train_end, warning, resume, cancelled, ...), <c>time</c> (UTC ISO-8601), <c>step</c>, <c>epoch</c>,
/// <c>run_id</c> and the values. Each line is flushed at once, so a crash loses at most the line being written.
/// A resume flags the lines of the steps it redoes with <c>"superseded": true</c> (see <see cref="SupersedeAfter"/>).
/// </summary>
public sealed class EventLog : IDisposable
{
    private static readonly JsonSerializerOptions OneLine = new() { WriteIndented = false };
    private StreamWriter? _writer;

    /// <summary>The file is opened (and created) by the first <see cref="Write"/>, so a run may first clear or rewrite it.</summary>
    public EventLog(string path)
    {
        Path = path;
    }

    public string Path { get; }

    /// <summary>Written as <c>run_id</c> on every line once set.</summary>
    public string? RunId { get; set; }

    public void Write(string eventName, long step, double epoch, IReadOnlyDictionary<string, double>? values = null, IReadOnlyDictionary<string, string>? text = null)
    {
        var o = new JsonObject
        {
            ["event"] = eventName,
            ["time"] = DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["step"] = step,
            ["epoch"] = epoch,
        };
        if (RunId is not null)
        {
            o["run_id"] = RunId;
        }

        foreach (var (k, v) in values ?? new Dictionary<string, double>())
        {
            o[k] = double.IsFinite(v) ? v : null;
        }

        foreach (var (k, v) in text ?? new Dictionary<string, string>())
        {
            o[k] = v;
        }

        Writer().WriteLine(o.ToJsonString(OneLine));
    }

    /// <summary>
    /// A resume from step <paramref name="step"/> redoes the steps after it: the lines run <paramref name="runId"/>
    /// wrote for those steps (null: lines without a run id, from before run ids existed) get <c>"superseded": true</c>,
    /// so readers can drop them and keep one entry per step. A torn last line (a kill mid-write) is dropped.
    /// The file is rewritten atomically, one line at a time. Returns how many lines were flagged.
    /// </summary>
    public int SupersedeAfter(long step, string? runId)
    {
        _writer?.Dispose();
        _writer = null;
        if (!File.Exists(Path))
        {
            return 0;
        }

        var flagged = 0;
        AtomicFile.Write(Path, stream =>
        {
            using var output = new StreamWriter(stream, leaveOpen: true);
            foreach (var line in File.ReadLines(Path))
            {
                JsonObject? o;
                try
                {
                    o = JsonNode.Parse(line) as JsonObject;
                }
                catch (JsonException)
                {
                    o = null;
                }

                if (o is null)
                {
                    continue;
                }

                if (o["step"]?.GetValueKind() == JsonValueKind.Number && o["step"]!.GetValue<long>() > step
                    && (o["run_id"]?.GetValue<string>()) == runId && o["superseded"] is null)
                {
                    o["superseded"] = true;
                    flagged++;
                    output.WriteLine(o.ToJsonString(OneLine));
                }
                else
                {
                    output.WriteLine(line);
                }
            }
        });
        return flagged;
    }

    public void Dispose() => _writer?.Dispose();

    private StreamWriter Writer()
    {
        if (_writer is not null)
        {
            return _writer;
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var stream = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        if (stream.Length > 0)
        {
            // A process killed mid-line left no newline: start on a fresh line so the next event stays parseable.
            stream.Seek(-1, SeekOrigin.End);
            var last = stream.ReadByte();
            if (last != '\n')
            {
                stream.WriteByte((byte)'\n');
            }
        }

        _writer = new StreamWriter(stream) { AutoFlush = true };
        return _writer;
    }
}
