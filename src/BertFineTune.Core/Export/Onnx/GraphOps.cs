using BertFineTune.Onnx.Proto;
using static BertFineTune.Export.Onnx.OnnxGraphBuilder;

namespace BertFineTune.Export.Onnx;

/// <summary>
/// The building blocks of the exported encoders, written in the node patterns that ONNX Runtime's graph optimizer
/// rewrites into its fused CPU kernels: <c>LayerNormalization</c> (ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add),
/// <c>Gelu</c> (Div/Erf/Add/Mul/Mul), <c>FastGelu</c>, <c>SkipLayerNormalization</c> (residual Add + LayerNorm),
/// <c>BiasGelu</c>, and the BERT <c>Attention</c> subgraph (Q/K/V MatMul+Add, Reshape [0,0,N,H], Transpose, MatMul,
/// Div √H, mask Add, Softmax, MatMul, Transpose, Reshape [0,0,W]) with the Unsqueeze/Unsqueeze/Cast/Sub/Mul(-10000) mask.
/// </summary>
internal sealed class GraphOps(OnnxGraphBuilder graph, ExportedWeights weights, OnnxExportOptions options)
{
    /// <summary>The additive mask value ORT's attention fusion looks for; exp(−10000) is 0 in fp32, as HF's finfo.min is.</summary>
    public const float MaskValue = -10000f;

    /// <summary>ONNX Runtime's contrib operator set.</summary>
    public const string MicrosoftDomain = "com.microsoft";

    // Each form of an attention mask input is built once and shared by every layer that reads it.
    private readonly Dictionary<string, string> _paddingMasks = [];
    private readonly Dictionary<string, string> _maskIndices = [];

    public OnnxGraphBuilder Graph => graph;

    public ExportedWeights Weights => weights;

    public int Opset => options.Opset;

    /// <summary><c>x·Wᵀ + b</c> for the Linear <paramref name="prefix"/>; int8-quantized when asked and <paramref name="quantizable"/>.</summary>
    public string Linear(string x, string prefix, bool quantizable = true)
    {
        var transposed = weights.Transposed(prefix + ".weight");
        string y;
        if (options.Quantize == OnnxQuantization.Int8 && quantizable)
        {
            // DynamicQuantizeLinear → MatMulInteger → Cast → Mul(a_scale · b_scale): ORT fuses this into DynamicQuantizeMatMul.
            var (values, scales) = Int8Weights.Quantize(transposed);
            var wq = graph.Initializer(prefix + ".weight_quantized", transposed.Shape, values);
            var ws = graph.Initializer(prefix + ".weight_scale", [scales.Length], scales);
            var dq = graph.Nodes("DynamicQuantizeLinear", [x], 3);
            var product = graph.Node("MatMulInteger", [dq[0], wq, dq[2]]);
            var asFloat = graph.Node("Cast", [product], Int("to", (long)TensorProto.Types.DataType.Float));
            var scale = graph.Node("Mul", [dq[1], ws]);
            y = graph.Node("Mul", [asFloat, scale]);
        }
        else
        {
            var w = graph.Initializer(prefix + ".weight_t", transposed.Shape, transposed.Values);
            y = graph.Node("MatMul", [x, w]);
        }

        return weights.Contains(prefix + ".bias") ? graph.Node("Add", [y, Parameter(prefix + ".bias")]) : y;
    }

    /// <summary>An initializer holding the parameter under its Hugging Face name (added once).</summary>
    public string Parameter(string name)
    {
        if (graph.Graph.Initializer.All(i => i.Name != name))
        {
            var tensor = weights[name];
            graph.Initializer(name, tensor.Shape, tensor.Values);
        }

        return name;
    }

    /// <summary>LayerNorm over the last axis with the parameters <c>prefix.weight</c> and (if present) <c>prefix.bias</c>.</summary>
    public string LayerNorm(string x, string prefix, double eps)
    {
        var gamma = Parameter(prefix + ".weight");
        var beta = weights.Contains(prefix + ".bias") ? Parameter(prefix + ".bias") : null;
        if (Opset >= 17)
        {
            return graph.Node("LayerNormalization", beta is null ? [x, gamma] : [x, gamma, beta], Int("axis", -1), Float("epsilon", (float)eps));
        }

        var mean = graph.Node("ReduceMean", [x], Ints("axes", -1));
        var centered = graph.Node("Sub", [x, mean]);
        var square = graph.Node("Pow", [centered, graph.Scalar(2f)]);
        var variance = graph.Node("ReduceMean", [square], Ints("axes", -1));
        var std = graph.Node("Sqrt", [graph.Node("Add", [variance, graph.Scalar((float)eps)])]);
        var scaled = graph.Node("Mul", [graph.Node("Div", [centered, std]), gamma]);
        return beta is null ? scaled : graph.Node("Add", [scaled, beta]);
    }

    /// <summary>HF's <c>ACT2FN</c> activations (the names <see cref="Models.Layers.Activations"/> accepts).</summary>
    public string Activation(string x, string name) => name switch
    {
        "gelu" => Gelu(x),
        "gelu_new" or "gelu_pytorch_tanh" or "gelu_fast" => FastGelu(x),
        "relu" => graph.Node("Relu", [x]),
        "silu" or "swish" => graph.Node("Mul", [x, graph.Node("Sigmoid", [x])]),
        "tanh" => graph.Node("Tanh", [x]),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no ONNX pattern for this activation"),
    };

    /// <summary>The additive padding mask <c>[batch, 1, 1, seq]</c>: 0 for tokens, −10000 for padding (built once).</summary>
    public string PaddingMask(string attentionMask) => Once(_paddingMasks, attentionMask, AdditiveMask);

    /// <summary>
    /// BERT-style self-attention on separate Q/K/V Linears, then the output Linear (no residual). In fp32 it is the
    /// subgraph ORT fuses into <c>Attention</c>; in int8, one <c>QAttention</c> (com.microsoft) on a [q | k | v]
    /// weight, because ORT fuses no attention around DynamicQuantizeMatMul and leaves ~20 Transpose/Reshape/Softmax
    /// nodes per model running on their own.
    /// <paramref name="attentionMask"/> is the graph's int64 <c>[batch, seq]</c> 1/0 mask.
    /// </summary>
    public string SelfAttention(string x, string attentionMask, string query, string key, string value, string output, int heads, int hidden)
    {
        if (options.Quantize == OnnxQuantization.Int8)
        {
            return Linear(QuantizedAttention(x, attentionMask, query, key, value, heads, hidden), output);
        }

        var headDim = hidden / heads;
        var split = graph.Int64s(0, 0, heads, headDim);
        var q = graph.Node("Transpose", [graph.Node("Reshape", [Linear(x, query), split])], Ints("perm", 0, 2, 1, 3));
        var k = graph.Node("Transpose", [graph.Node("Reshape", [Linear(x, key), split])], Ints("perm", 0, 2, 3, 1));
        var v = graph.Node("Transpose", [graph.Node("Reshape", [Linear(x, value), split])], Ints("perm", 0, 2, 1, 3));
        var scores = graph.Node("Div", [graph.Node("MatMul", [q, k]), graph.Scalar(MathF.Sqrt(headDim))]);
        var context = AttentionCore(scores, PaddingMask(attentionMask), v);
        return Linear(MergeHeads(context, hidden), output);
    }

    // QAttention: x quantized per run (uint8, DynamicQuantizeLinear), the [q | k | v] weight per output column (int8,
    // zero point 0, as Linear's), scores scaled by 1/√head_dim and masked with −10000 from the raw int32 mask.
    private string QuantizedAttention(string x, string attentionMask, string query, string key, string value, int heads, int hidden)
    {
        var (values, scales) = Int8Weights.Quantize(weights.TransposedStack(query + ".weight", key + ".weight", value + ".weight"));
        var prefix = query[..query.LastIndexOf('.')] + ".qkv";
        var w = graph.Initializer(prefix + ".weight_quantized", [hidden, 3 * hidden], values);
        var ws = graph.Initializer(prefix + ".weight_scale", [scales.Length], scales);
        var bias = graph.Initializer(prefix + ".bias", [3 * hidden], weights.Concatenated(hidden, query + ".bias", key + ".bias", value + ".bias"));
        var dq = graph.Nodes("DynamicQuantizeLinear", [x], 3);
        return graph.NodeIn(MicrosoftDomain, "QAttention", [dq[0], w, bias, dq[1], ws, MaskIndex(attentionMask), dq[2]], 1, Int("num_heads", heads))[0];
    }

    private string AdditiveMask(string attentionMask)
    {
        var expanded = Unsqueeze(Unsqueeze(attentionMask, 1), 2);
        var keep = graph.Node("Cast", [expanded], Int("to", (long)TensorProto.Types.DataType.Float));
        var dropped = graph.Node("Sub", [graph.Scalar(1f), keep]);
        return graph.Node("Mul", [dropped, graph.Scalar(MaskValue)]);
    }

    // The int32 [batch, seq] mask the com.microsoft attention kernels take, cast once per graph.
    private string MaskIndex(string attentionMask) =>
        Once(_maskIndices, attentionMask, mask => graph.Node("Cast", [mask], Int("to", (long)TensorProto.Types.DataType.Int32)));

    private static string Once(Dictionary<string, string> built, string input, Func<string, string> build)
    {
        if (!built.TryGetValue(input, out var output))
        {
            output = build(input);
            built[input] = output;
        }

        return output;
    }

    /// <summary><c>softmax(scores + mask) · v</c>, softmax over the keys.</summary>
    public string AttentionCore(string scores, string additiveMask, string v)
    {
        var weightsOut = graph.Node("Softmax", [graph.Node("Add", [scores, additiveMask])], Int("axis", 3));
        return graph.Node("MatMul", [weightsOut, v]);
    }

    /// <summary><c>[batch, heads, seq, head_dim]</c> → <c>[batch, seq, hidden]</c>.</summary>
    public string MergeHeads(string context, int hidden) =>
        graph.Node("Reshape", [graph.Node("Transpose", [context], Ints("perm", 0, 2, 1, 3)), graph.Int64s(0, 0, hidden)]);

    /// <summary>Row <paramref name="index"/> along axis 1: the first token of <c>[batch, seq, hidden]</c>.</summary>
    public string Token(string hidden, long index) => graph.Node("Gather", [hidden, graph.ScalarInt64(index)], Int("axis", 1));

    /// <summary>
    /// Position ids <c>[batch, seq]</c> = <c>cumsum(1) − 1</c> along each row, computed elementwise from
    /// <paramref name="ids"/> so that shape inference keeps the symbolic <c>[batch, sequence]</c>: with a Range the
    /// sequence axis becomes an anonymous dimension and ORT's SkipLayerNormalization fusion, which needs equal input
    /// shapes, no longer matches.
    /// </summary>
    public string PositionIds(string ids)
    {
        var ones = graph.Node("Add", [graph.Node("Mul", [ids, graph.ScalarInt64(0)]), graph.ScalarInt64(1)]);
        return graph.Node("Sub", [graph.Node("CumSum", [ones, graph.ScalarInt64(1)]), graph.ScalarInt64(1)]);
    }

    /// <summary>A 1-D <c>[0, 1, …, seq−1]</c> (int64) for the sequence length of <paramref name="ids"/>.</summary>
    public string Positions(string ids)
    {
        var seq = graph.Node("Gather", [graph.Node("Shape", [ids]), graph.ScalarInt64(1)], Int("axis", 0));
        return graph.Node("Range", [graph.ScalarInt64(0), seq, graph.ScalarInt64(1)]);
    }

    public string Unsqueeze(string x, long axis) => Opset >= 13
        ? graph.Node("Unsqueeze", [x, graph.Int64s(axis)])
        : graph.Node("Unsqueeze", [x], Ints("axes", axis));

    public string ReduceSum(string x, long axis, bool keepDims) => Opset >= 13
        ? graph.Node("ReduceSum", [x, graph.Int64s(axis)], Int("keepdims", keepDims ? 1 : 0))
        : graph.Node("ReduceSum", [x], Ints("axes", axis), Int("keepdims", keepDims ? 1 : 0));

    public string Slice(string x, long start, long end, long axis) =>
        graph.Node("Slice", [x, graph.Int64s(start), graph.Int64s(end), graph.Int64s(axis)]);

    // x · 0.5 · (1 + erf(x / √2)), as torch.onnx writes HF's exact GELU.
    private string Gelu(string x)
    {
        var erf = graph.Node("Erf", [graph.Node("Div", [x, graph.Scalar(MathF.Sqrt(2f))])]);
        var inner = graph.Node("Mul", [x, graph.Node("Add", [erf, graph.Scalar(1f)])]);
        return graph.Node("Mul", [inner, graph.Scalar(0.5f)]);
    }

    // 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³))).
    private string FastGelu(string x)
    {
        var cube = graph.Node("Pow", [x, graph.Scalar(3f)]);
        var inner = graph.Node("Add", [x, graph.Node("Mul", [cube, graph.Scalar(0.044715f)])]);
        var tanh = graph.Node("Tanh", [graph.Node("Mul", [inner, graph.Scalar(0.7978845608f)])]);
        var half = graph.Node("Mul", [x, graph.Scalar(0.5f)]);
        return graph.Node("Mul", [half, graph.Node("Add", [tanh, graph.Scalar(1f)])]);
    }
}
