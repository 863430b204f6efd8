using BertFineTune.IO;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BertFineTune.Diagnostics;

namespace BertFineTune.Hub;

/// <summary>One float32 tensor to write: name, shape, row-major values.</summary>
public sealed record SafetensorsTensor(string Name, long[] Shape, float[] Values);

/// <summary>A tensor entry of a safetensors header.</summary>
public sealed record SafetensorsEntry(string Name, string DType, long[] Shape, long Begin, long End);

/// <summary>
/// The safetensors format without libtorch: an 8-byte little-endian header length, a JSON header (padded with spaces
/// to a multiple of 8, tensors sorted by name, <c>__metadata__</c> <c>{"format":"pt"}</c>), then raw little-endian data.
/// </summary>
public static class SafetensorsFile
{
    /// <summary>Writes float32 tensors atomically.</summary>
    public static void Write(string path, IEnumerable<SafetensorsTensor> tensors)
    {
        var sorted = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        var header = new JsonObject { ["__metadata__"] = new JsonObject { ["format"] = "pt" } };
        long offset = 0;
        foreach (var t in sorted)
        {
            var count = t.Shape.Aggregate(1L, (a, d) => a * d);
            if (count != t.Values.Length)
            {
                throw new ArgumentException($"Tensor '{t.Name}' has {t.Values.Length} values for shape [{string.Join(", ", t.Shape)}].", nameof(tensors));
            }

            var end = offset + (count * sizeof(float));
            header[t.Name] = new JsonObject
            {
                ["dtype"] = "F32",
                ["shape"] = new JsonArray([.. t.Shape.Select(d => (JsonNode)d)]),
                ["data_offsets"] = new JsonArray(offset, end),
            };
            offset = end;
        }

        var json = header.ToJsonString();
        var padded = json + new string(' ', (8 - (Encoding.UTF8.GetByteCount(json) % 8)) % 8);
        var headerBytes = Encoding.UTF8.GetBytes(padded);
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)headerBytes.Length);
            stream.Write(length);
            stream.Write(headerBytes);
            foreach (var t in sorted)
            {
                if (!BitConverter.IsLittleEndian)
                {
                    throw new PlatformNotSupportedException("safetensors writing needs a little-endian machine.");
                }

                stream.Write(MemoryMarshal.AsBytes(t.Values.AsSpan()));
            }
        });
    }

    /// <summary>The tensor entries of a safetensors file's header, in file order.</summary>
    public static IReadOnlyList<SafetensorsEntry> ReadHeader(string path)
    {
        using var stream = File.OpenRead(path);
        return ReadHeader(stream, path, out _);
    }

    /// <summary>Reads one float32 tensor's values.</summary>
    public static float[] ReadFloats(string path, string name)
    {
        using var stream = File.OpenRead(path);
        var entries = ReadHeader(stream, path, out var dataStart);
        var entry = entries.FirstOrDefault(e => e.Name == name) ?? throw new KeyNotFoundException($"'{name}' is not in {path}.");
        if (entry.DType != "F32")
        {
            throw new InvalidDataException($"'{name}' in {path} is {entry.DType}, not F32.");
        }

        var values = new float[(entry.End - entry.Begin) / sizeof(float)];
        stream.Position = dataStart + entry.Begin;
        stream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    private static List<SafetensorsEntry> ReadHeader(Stream stream, string path, out long dataStart)
    {
        Span<byte> length = stackalloc byte[8];
        stream.ReadExactly(length);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(length);
        if (headerLength > 100_000_000 || (long)headerLength > stream.Length - 8)
        {
            throw new UserErrorException("BFT206", "This is not a safetensors file: its header length is out of range.", path);
        }

        var header = new byte[headerLength];
        stream.ReadExactly(header);
        dataStart = 8 + (long)headerLength;
        using var doc = JsonDocument.Parse(header);
        var entries = new List<SafetensorsEntry>();
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (p.Name == "__metadata__")
            {
                continue;
            }

            var offsets = p.Value.GetProperty("data_offsets");
            entries.Add(new SafetensorsEntry(
                p.Name,
                p.Value.GetProperty("dtype").GetString()!,
                [.. p.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64())],
                offsets[0].GetInt64(),
                offsets[1].GetInt64()));
        }

        return entries;
    }
}
