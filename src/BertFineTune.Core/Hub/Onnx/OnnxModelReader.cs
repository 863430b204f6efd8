using BertFineTune.Diagnostics;

namespace BertFineTune.Hub.Onnx;

/// <summary>Parses <c>ModelProto → GraphProto</c> (nodes, initializers, inputs, outputs) from ONNX protobuf bytes.</summary>
public static class OnnxModelReader
{
    public static OnnxGraph Read(ReadOnlyMemory<byte> model, string sourceName)
    {
        try
        {
            var reader = new ProtobufReader(model);
            OnnxGraph? graph = null;
            while (!reader.AtEnd)
            {
                var (field, wire) = reader.ReadKey();
                if (field == 7 && wire == 2)
                {
                    graph = ReadGraph(reader.ReadMessage());
                }
                else
                {
                    reader.Skip(wire);
                }
            }

            return graph ?? throw new InvalidDataException("it has no graph (ModelProto field 7)");
        }
        catch (Exception e) when (e is InvalidDataException or IndexOutOfRangeException or ArgumentOutOfRangeException or OverflowException)
        {
            throw new UserErrorException(HubErrors.OnnxImport, $"This is not a readable ONNX model: {e.Message}. Pass the model.onnx of a torch.onnx export.", sourceName);
        }
    }

    private static OnnxGraph ReadGraph(ProtobufReader reader)
    {
        var nodes = new List<OnnxNode>();
        var initializers = new List<OnnxTensor>();
        var inputs = new List<string>();
        var outputs = new List<string>();
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadKey();
            switch (field)
            {
                case 1 when wire == 2:
                    nodes.Add(ReadNode(reader.ReadMessage()));
                    break;
                case 5 when wire == 2:
                    initializers.Add(ReadTensor(reader.ReadMessage()));
                    break;
                case 11 when wire == 2:
                    inputs.Add(ReadValueInfoName(reader.ReadMessage()));
                    break;
                case 12 when wire == 2:
                    outputs.Add(ReadValueInfoName(reader.ReadMessage()));
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return new OnnxGraph(nodes, initializers, inputs, outputs);
    }

    private static OnnxNode ReadNode(ProtobufReader reader)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        string name = string.Empty, opType = string.Empty;
        OnnxTensor? value = null;
        var ints = new Dictionary<string, long>(StringComparer.Ordinal);
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadKey();
            switch (field)
            {
                case 1 when wire == 2:
                    inputs.Add(reader.ReadString());
                    break;
                case 2 when wire == 2:
                    outputs.Add(reader.ReadString());
                    break;
                case 3 when wire == 2:
                    name = reader.ReadString();
                    break;
                case 4 when wire == 2:
                    opType = reader.ReadString();
                    break;
                case 5 when wire == 2:
                    var (attributeName, tensor, integer) = ReadAttribute(reader.ReadMessage());
                    value ??= tensor;
                    if (integer is long i)
                    {
                        ints[attributeName] = i;
                    }

                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return new OnnxNode(opType, name, [.. inputs], [.. outputs], value, ints);
    }

    /// <summary>An AttributeProto's name (1), tensor (5, <c>t</c>) and integer (3, <c>i</c>).</summary>
    private static (string Name, OnnxTensor? Tensor, long? Integer) ReadAttribute(ProtobufReader reader)
    {
        var name = string.Empty;
        OnnxTensor? tensor = null;
        long? integer = null;
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadKey();
            switch (field)
            {
                case 1 when wire == 2:
                    name = reader.ReadString();
                    break;
                case 3 when wire == 0:
                    integer = (long)reader.ReadVarint();
                    break;
                case 5 when wire == 2:
                    tensor = ReadTensor(reader.ReadMessage());
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return (name, tensor, integer);
    }

    private static OnnxTensor ReadTensor(ProtobufReader reader)
    {
        var dims = new List<long>();
        var floats = new List<float>();
        var int64s = new List<long>();
        var name = string.Empty;
        var dataType = 0;
        ReadOnlyMemory<byte> raw = default;
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadKey();
            switch (field)
            {
                case 1:
                    reader.ReadInt64s(wire, dims);
                    break;
                case 2 when wire == 0:
                    dataType = (int)reader.ReadVarint();
                    break;
                case 4:
                    reader.ReadFloats(wire, floats);
                    break;
                case 5 or 7:
                    reader.ReadInt64s(wire, int64s);
                    break;
                case 8 when wire == 2:
                    name = reader.ReadString();
                    break;
                case 9 when wire == 2:
                    raw = reader.ReadBytes();
                    break;
                case 14 when wire == 0:
                    if (reader.ReadVarint() == 1)
                    {
                        throw new InvalidDataException($"tensor '{name}' keeps its data in an external file, which is not supported");
                    }

                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return new OnnxTensor(name, [.. dims], dataType, raw, [.. floats], [.. int64s]);
    }

    private static string ReadValueInfoName(ProtobufReader reader)
    {
        var name = string.Empty;
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadKey();
            if (field == 1 && wire == 2)
            {
                name = reader.ReadString();
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return name;
    }
}
