using System.Runtime.InteropServices;
using BertFineTune.Onnx.Proto;
using Google.Protobuf;

namespace BertFineTune.Export.Onnx;

/// <summary>
/// Appends nodes and initializers to an ONNX <see cref="GraphProto"/>: every node gets a fresh output name, constants
/// are shared by value, tensors are stored as little-endian <c>raw_data</c>.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly Dictionary<string, string> _constants = new(StringComparer.Ordinal);
    private int _counter;

    public OnnxGraphBuilder(string name) => Graph = new GraphProto { Name = name };

    public GraphProto Graph { get; }

    /// <summary>A graph input; a string dimension is symbolic (e.g. <c>batch</c>), a number is fixed.</summary>
    public string Input(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        Graph.Input.Add(ValueInfo(name, type, dims));
        return name;
    }

    public void Output(string name, TensorProto.Types.DataType type, params object[] dims) => Graph.Output.Add(ValueInfo(name, type, dims));

    public string Initializer(string name, long[] dims, ReadOnlySpan<float> values) =>
        AddInitializer(name, dims, TensorProto.Types.DataType.Float, MemoryMarshal.AsBytes(values));

    public string Initializer(string name, long[] dims, ReadOnlySpan<sbyte> values) =>
        AddInitializer(name, dims, TensorProto.Types.DataType.Int8, MemoryMarshal.AsBytes(values));

    public string Int64Initializer(string name, long[] dims, ReadOnlySpan<long> values) =>
        AddInitializer(name, dims, TensorProto.Types.DataType.Int64, MemoryMarshal.AsBytes(values));

    /// <summary>A float scalar constant (shared by value).</summary>
    public string Scalar(float value) => Shared($"f:{BitConverter.SingleToInt32Bits(value)}", () => Initializer(Fresh("const"), [], [value]));

    /// <summary>An int64 scalar constant (shared by value).</summary>
    public string ScalarInt64(long value) => Shared($"i:{value}", () => Int64Initializer(Fresh("const"), [], [value]));

    /// <summary>A 1-D int64 constant (shapes, axes, slice bounds), shared by value.</summary>
    public string Int64s(params long[] values) => Shared($"v:{string.Join(',', values)}", () => Int64Initializer(Fresh("const"), [values.Length], values));

    /// <summary>Adds a node with one output and returns that output's name.</summary>
    public string Node(string opType, string[] inputs, params AttributeProto[] attributes) => Nodes(opType, inputs, 1, attributes)[0];

    /// <summary>Adds a node with <paramref name="outputs"/> outputs and returns their names.</summary>
    public string[] Nodes(string opType, string[] inputs, int outputs, params AttributeProto[] attributes) =>
        NodeIn(string.Empty, opType, inputs, outputs, attributes);

    /// <summary>A node of another operator set, e.g. <c>com.microsoft</c>.</summary>
    public string[] NodeIn(string domain, string opType, string[] inputs, int outputs, params AttributeProto[] attributes)
    {
        var name = Fresh(opType);
        var node = new NodeProto { Name = name, OpType = opType };
        if (domain.Length > 0)
        {
            node.Domain = domain;
        }

        node.Input.AddRange(inputs);
        var names = Enumerable.Range(0, outputs).Select(i => outputs == 1 ? name + "_out" : $"{name}_out{i}").ToArray();
        node.Output.AddRange(names);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return names;
    }

    /// <summary>Renames a node output that no other node reads yet (used to name graph outputs such as <c>logits</c>).</summary>
    public string RenameOutput(string current, string name)
    {
        var node = Graph.Node.Single(n => n.Output.Contains(current));
        node.Output[node.Output.IndexOf(current)] = name;
        return name;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private string AddInitializer(string name, long[] dims, TensorProto.Types.DataType type, ReadOnlySpan<byte> bytes)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw_data is little-endian; exporting on a big-endian machine is not supported.");
        }

        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        Graph.Initializer.Add(tensor);
        return name;
    }

    private string Shared(string key, Func<string> create)
    {
        if (!_constants.TryGetValue(key, out var name))
        {
            name = create();
            _constants[key] = name;
        }

        return name;
    }

    private string Fresh(string stem) => $"{stem}_{_counter++}";

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim switch
            {
                string symbol => new TensorShapeProto.Types.Dimension { DimParam = symbol },
                int size => new TensorShapeProto.Types.Dimension { DimValue = size },
                long size => new TensorShapeProto.Types.Dimension { DimValue = size },
                _ => throw new ArgumentException($"dimension {dim} is neither a name nor a size", nameof(dims)),
            });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
