using BertFineTune.Diagnostics;
using BertFineTune.Onnx.Proto;
using Google.Protobuf;

namespace BertFineTune.Hub.Onnx;

/// <summary>Reads <c>ModelProto → GraphProto</c> (nodes, initializers, inputs, outputs) with the generated ONNX messages.</summary>
public static class OnnxModelReader
{
    public static OnnxGraph Read(ReadOnlyMemory<byte> model, string sourceName)
    {
        try
        {
            var proto = ModelProto.Parser.ParseFrom(model.Span);
            var graph = proto.Graph ?? throw new InvalidDataException("it has no graph (ModelProto field 7)");
            return new OnnxGraph(
                [.. graph.Node.Select(ToNode)],
                [.. graph.Initializer.Select(ToTensor)],
                [.. graph.Input.Select(i => i.Name)],
                [.. graph.Output.Select(o => o.Name)]);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidDataException)
        {
            throw new UserErrorException(HubErrors.OnnxImport, $"This is not a readable ONNX model: {e.Message.TrimEnd('.')}. Pass the model.onnx of a torch.onnx export.", sourceName);
        }
    }

    private static OnnxNode ToNode(NodeProto node)
    {
        var value = node.Attribute.FirstOrDefault(a => a.T is not null)?.T;
        var ints = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var attribute in node.Attribute.Where(a => a.Type == AttributeProto.Types.AttributeType.Int || (a.Type == AttributeProto.Types.AttributeType.Undefined && a.HasI)))
        {
            ints[attribute.Name] = attribute.I;
        }

        return new OnnxNode(node.OpType, node.Name, [.. node.Input], [.. node.Output], value is null ? null : ToTensor(value), ints);
    }

    private static OnnxTensor ToTensor(TensorProto tensor)
    {
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
        {
            throw new InvalidDataException($"tensor '{tensor.Name}' keeps its data in an external file, which is not supported");
        }

        return new OnnxTensor(tensor.Name, [.. tensor.Dims], tensor.DataType, tensor.RawData.Memory, [.. tensor.FloatData], [.. tensor.Int64Data.Concat(tensor.Int32Data.Select(i => (long)i))]);
    }
}
