using System.Runtime.InteropServices;

namespace BertFineTune.Hub.Onnx;

/// <summary>ONNX <c>TensorProto.DataType</c> values this importer reads.</summary>
public enum OnnxDataType
{
    Float = 1,
    Int32 = 6,
    Int64 = 7,
}

/// <summary>An initializer or Constant tensor: name, dims and its data (raw little-endian bytes, or typed fields).</summary>
public sealed record OnnxTensor(string Name, long[] Dims, int DataType, ReadOnlyMemory<byte> RawData, float[] FloatData, long[] Int64Data)
{
    public long ElementCount => Dims.Aggregate(1L, (a, d) => a * d);

    public float[] ToFloats()
    {
        if (DataType != (int)OnnxDataType.Float)
        {
            throw new InvalidDataException($"Tensor '{Name}' has data type {DataType}, not float32.");
        }

        return RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(RawData.Span).ToArray() : FloatData;
    }

    public long[] ToInt64s() => DataType switch
    {
        (int)OnnxDataType.Int64 => RawData.Length > 0 ? MemoryMarshal.Cast<byte, long>(RawData.Span).ToArray() : Int64Data,
        (int)OnnxDataType.Int32 => RawData.Length > 0 ? [.. MemoryMarshal.Cast<byte, int>(RawData.Span).ToArray().Select(i => (long)i)] : Int64Data,
        _ => throw new InvalidDataException($"Tensor '{Name}' has data type {DataType}, not an integer type."),
    };
}

/// <summary>One graph node. Value: the tensor of a <c>Constant</c> node's <c>value</c> attribute; IntAttributes: integer attributes such as Gemm's <c>transB</c>.</summary>
public sealed record OnnxNode(string OpType, string Name, string[] Inputs, string[] Outputs, OnnxTensor? Value, IReadOnlyDictionary<string, long> IntAttributes);

/// <summary>The parts of a <c>GraphProto</c> the importer needs.</summary>
public sealed record OnnxGraph(
    IReadOnlyList<OnnxNode> Nodes,
    IReadOnlyList<OnnxTensor> Initializers,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs);
