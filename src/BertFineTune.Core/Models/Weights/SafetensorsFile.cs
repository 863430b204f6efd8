using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BertFineTune.Diagnostics;
using BertFineTune.IO;
using static TorchSharp.torch;

namespace BertFineTune.Models.Weights;

/// <summary>One tensor's entry in a safetensors header.</summary>
public sealed record SafetensorsEntry(string Name, string DType, long[] Shape, long Begin, long End);

/// <summary>A parsed safetensors header: <see cref="HeaderLength"/> bytes of JSON after the 8-byte length prefix.</summary>
public sealed record SafetensorsHeader(long HeaderLength, IReadOnlyDictionary<string, string> Metadata, IReadOnlyList<SafetensorsEntry> Entries);

/// <summary>
/// The safetensors format as transformers reads it: an 8-byte little-endian header length, a JSON header (with
/// <c>__metadata__</c> <c>{"format":"pt"}</c>, tensors in name order, space-padded to a multiple of 8), then raw
/// little-endian tensor data in header order.
/// </summary>
public static class SafetensorsFile
{
    private static readonly Dictionary<ScalarType, (string Name, int Size)> DTypes = new()
    {
        [ScalarType.Float32] = ("F32", 4),
        [ScalarType.Float64] = ("F64", 8),
        [ScalarType.Float16] = ("F16", 2),
        [ScalarType.BFloat16] = ("BF16", 2),
        [ScalarType.Int64] = ("I64", 8),
        [ScalarType.Int32] = ("I32", 4),
        [ScalarType.Int8] = ("I8", 1),
        [ScalarType.Byte] = ("U8", 1),
        [ScalarType.Bool] = ("BOOL", 1),
    };

    /// <summary>Writes <paramref name="tensors"/> (CPU or not, any layout) atomically to <paramref name="path"/>.</summary>
    public static void Write(string path, IReadOnlyList<(string Name, Tensor Tensor)> tensors)
    {
        var ordered = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        var header = new JsonObject { ["__metadata__"] = new JsonObject { ["format"] = "pt" } };
        long offset = 0;
        foreach (var (name, tensor) in ordered)
        {
            var (dtypeName, size) = DTypes.TryGetValue(tensor.dtype, out var d)
                ? d
                : throw new NotSupportedException($"safetensors: dtype {tensor.dtype} of {name} is not supported.");
            var bytes = tensor.numel() * size;
            header[name] = new JsonObject
            {
                ["dtype"] = dtypeName,
                ["shape"] = new JsonArray(tensor.shape.Select(s => (JsonNode)s).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }

        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var padded = (json.Length + 7) / 8 * 8;
        AtomicFile.Write(path, stream =>
        {
            Span<byte> prefix = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)padded);
            stream.Write(prefix);
            stream.Write(json);
            for (var i = json.Length; i < padded; i++)
            {
                stream.WriteByte((byte)' ');
            }

            foreach (var (_, tensor) in ordered)
            {
                using var cpu = tensor.detach().cpu().contiguous();
                stream.Write(cpu.bytes);
            }
        });
    }

    /// <summary>Reads one float32 tensor's values, without torch (for importers, checks and tools).</summary>
    public static float[] ReadFloats(string path, string name)
    {
        var header = ReadHeader(path);
        var entry = header.Entries.FirstOrDefault(e => e.Name == name) ?? throw new KeyNotFoundException($"'{name}' is not in {path}.");
        if (entry.DType != "F32")
        {
            throw new InvalidDataException($"'{name}' in {path} is {entry.DType}, not F32.");
        }

        var values = new float[(entry.End - entry.Begin) / sizeof(float)];
        using var stream = File.OpenRead(path);
        stream.Position = 8 + header.HeaderLength + entry.Begin;
        stream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    /// <summary>Reads and checks the header of a safetensors file (no tensor data).</summary>
    public static SafetensorsHeader ReadHeader(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> prefix = stackalloc byte[8];
        if (stream.Read(prefix) != 8)
        {
            throw Corrupt(path, "it is shorter than the 8-byte header length");
        }

        var length = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (length > 100_000_000 || (long)length > stream.Length - 8)
        {
            throw Corrupt(path, $"its header length ({length}) does not fit the file");
        }

        var buffer = new byte[length];
        stream.ReadExactly(buffer);
        JsonObject root;
        try
        {
            root = JsonNode.Parse(buffer) as JsonObject ?? throw Corrupt(path, "its header is not a JSON object");
        }
        catch (JsonException e)
        {
            throw Corrupt(path, $"its header is not valid JSON ({e.Message})");
        }

        var metadata = new Dictionary<string, string>();
        var entries = new List<SafetensorsEntry>();
        foreach (var (name, node) in root)
        {
            if (name == "__metadata__")
            {
                foreach (var (k, v) in node as JsonObject ?? [])
                {
                    metadata[k] = v?.ToString() ?? string.Empty;
                }

                continue;
            }

            var entry = node as JsonObject ?? throw Corrupt(path, $"the header entry '{name}' is not an object");
            var offsets = entry["data_offsets"]!.AsArray().Select(n => n!.GetValue<long>()).ToArray();
            entries.Add(new SafetensorsEntry(
                name,
                entry["dtype"]!.GetValue<string>(),
                entry["shape"]!.AsArray().Select(n => n!.GetValue<long>()).ToArray(),
                offsets[0],
                offsets[1]));
        }

        return new SafetensorsHeader((long)length, metadata, entries);
    }

    private static UserErrorException Corrupt(string path, string problem) =>
        new(ModelErrors.WeightsUnreadable, $"{Path.GetFileName(path)} is not a valid safetensors file: {problem}. Re-download or re-save the model.", path);
}
