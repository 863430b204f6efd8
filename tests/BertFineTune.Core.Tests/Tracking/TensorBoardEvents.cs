using System.Buffers.Binary;
using System.Text;

namespace BertFineTune.Tests.Tracking;

/// <summary>
/// Reads the scalars back from TensorBoard event files: TFRecord framing (length, CRC, an <c>Event</c> protobuf, CRC),
/// <c>Event.step</c> (field 2) and <c>Event.summary</c> (5) → <c>Summary.value</c> (1) → tag (1), simple_value (2).
/// </summary>
internal static class TensorBoardEvents
{
    public static List<(string Tag, long Step, float Value)> Scalars(string directory)
    {
        var scalars = new List<(string, long, float)>();
        foreach (var file in Directory.GetFiles(directory, "events.out.tfevents*", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(file);
            for (var at = 0; at + 12 <= bytes.Length;)
            {
                var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at));
                var record = bytes.AsSpan(at + 12, length).ToArray();
                at += 12 + length + 4;
                long step = 0;
                foreach (var (field, value) in Fields(record))
                {
                    if (field == 2)
                    {
                        step = (long)Varint(value, 0).Value;
                    }
                }

                foreach (var (field, summary) in Fields(record).Where(f => f.Field == 5))
                {
                    foreach (var (_, entry) in Fields(summary).Where(f => f.Field == 1))
                    {
                        string? tag = null;
                        float? number = null;
                        foreach (var (f, v) in Fields(entry))
                        {
                            if (f == 1)
                            {
                                tag = Encoding.UTF8.GetString(v);
                            }
                            else if (f == 2)
                            {
                                number = BinaryPrimitives.ReadSingleLittleEndian(v);
                            }
                        }

                        if (tag is not null && number is { } n)
                        {
                            scalars.Add((tag, step, n));
                        }
                    }
                }
            }
        }

        return scalars;
    }

    /// <summary>Each field of a protobuf message with its raw value (varints re-encoded as their bytes).</summary>
    private static IEnumerable<(int Field, byte[] Value)> Fields(byte[] message)
    {
        var fields = new List<(int, byte[])>();
        for (var at = 0; at < message.Length;)
        {
            var (key, next) = Varint(message, at);
            at = next;
            var field = (int)(key >> 3);
            switch (key & 7)
            {
                case 0:
                    var start = at;
                    at = Varint(message, at).Next;
                    fields.Add((field, message[start..at]));
                    break;
                case 1:
                    fields.Add((field, message[at..(at + 8)]));
                    at += 8;
                    break;
                case 2:
                    var (length, body) = Varint(message, at);
                    fields.Add((field, message[body..(body + (int)length)]));
                    at = body + (int)length;
                    break;
                case 5:
                    fields.Add((field, message[at..(at + 4)]));
                    at += 4;
                    break;
                default:
                    throw new InvalidDataException($"wire type {key & 7}");
            }
        }

        return fields;
    }

    private static (ulong Value, int Next) Varint(byte[] bytes, int at)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return (value, at);
            }
        }
    }
}
