using System.Buffers.Binary;
using System.Text;

namespace BertFineTune.Hub.Onnx;

/// <summary>
/// A minimal protobuf wire-format reader (varint, 64-bit, length-delimited, 32-bit), enough to walk ONNX messages
/// without a generated schema. Length-delimited fields are returned as slices of the input, not copies.
/// </summary>
internal sealed class ProtobufReader(ReadOnlyMemory<byte> data)
{
    private int _position;

    public bool AtEnd => _position >= data.Length;

    /// <summary>Reads the next field key: field number and wire type.</summary>
    public (int Field, int WireType) ReadKey()
    {
        var key = ReadVarint();
        return ((int)(key >> 3), (int)(key & 7));
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = Span[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new InvalidDataException("A protobuf varint is longer than 10 bytes.");
    }

    public ReadOnlyMemory<byte> ReadBytes()
    {
        var length = checked((int)ReadVarint());
        if (length < 0 || _position + length > data.Length)
        {
            throw new InvalidDataException("A protobuf length-delimited field runs past the end of its message.");
        }

        var slice = data.Slice(_position, length);
        _position += length;
        return slice;
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadBytes().Span);

    public ProtobufReader ReadMessage() => new(ReadBytes());

    public ulong ReadFixed64()
    {
        var value = BinaryPrimitives.ReadUInt64LittleEndian(Span.Slice(_position, 8));
        _position += 8;
        return value;
    }

    public uint ReadFixed32()
    {
        var value = BinaryPrimitives.ReadUInt32LittleEndian(Span.Slice(_position, 4));
        _position += 4;
        return value;
    }

    /// <summary>A repeated int64 field, packed (one LEN field) or not (one varint per key).</summary>
    public void ReadInt64s(int wireType, List<long> into)
    {
        if (wireType == 2)
        {
            var packed = ReadMessage();
            while (!packed.AtEnd)
            {
                into.Add((long)packed.ReadVarint());
            }
        }
        else
        {
            into.Add((long)ReadVarint());
        }
    }

    /// <summary>A repeated float field, packed or not.</summary>
    public void ReadFloats(int wireType, List<float> into)
    {
        if (wireType == 2)
        {
            var packed = ReadMessage();
            while (!packed.AtEnd)
            {
                into.Add(BitConverter.UInt32BitsToSingle(packed.ReadFixed32()));
            }
        }
        else
        {
            into.Add(BitConverter.UInt32BitsToSingle(ReadFixed32()));
        }
    }

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0:
                ReadVarint();
                break;
            case 1:
                _position += 8;
                break;
            case 2:
                ReadBytes();
                break;
            case 5:
                _position += 4;
                break;
            default:
                throw new InvalidDataException($"Unsupported protobuf wire type {wireType}.");
        }
    }

    private ReadOnlySpan<byte> Span => data.Span;
}
