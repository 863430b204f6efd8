using BertFineTune.Models.Configuration;
using static BertFineTune.Export.Onnx.OnnxGraphBuilder;

namespace BertFineTune.Export.Onnx;

/// <summary>
/// ModernBERT's classifier as <c>modeling_modernbert.py</c> computes it on the padded (eager) path: pre-norm layers,
/// fused Wqkv with rotary embeddings (global θ on global layers, local θ on sliding-window layers), GeGLU MLP,
/// final_norm, cls or masked-mean pooling, head (dense, activation, norm), classifier. The rotary cos/sin tables are
/// precomputed for every position as initializers and gathered for the batch's length.
/// </summary>
internal static class ModernBertGraph
{
    public static string Build(GraphOps ops, GraphInputs inputs, ModernBertConfig config)
    {
        var g = ops.Graph;
        var heads = config.NumAttentionHeads;
        var headDim = config.HeadDim;
        var hidden = ops.LayerNorm(g.Node("Gather", [ops.Parameter("model.embeddings.tok_embeddings.weight"), inputs.InputIds]), "model.embeddings.norm", config.NormEps);

        var positions = ops.Positions(inputs.InputIds);
        var globalRope = Rope(ops, positions, config, config.GlobalRopeTheta, "global");
        var localRope = Rope(ops, positions, config, config.LocalRopeTheta, "local");
        var globalMask = ops.PaddingMask(inputs.AttentionMask);

        // Sliding window: a query at i sees keys j with |i − j| ≤ local_attention / 2.
        var column = ops.Unsqueeze(positions, 0);
        var row = ops.Unsqueeze(positions, 1);
        var outside = g.Node("Greater", [g.Node("Abs", [g.Node("Sub", [column, row])]), g.ScalarInt64(config.LocalAttention / 2)]);
        var slidingMask = g.Node("Where", [outside, g.Scalar(GraphOps.MaskValue), globalMask]);

        for (var i = 0; i < config.NumHiddenLayers; i++)
        {
            var p = $"model.layers.{i}";
            var normed = i == 0 ? hidden : ops.LayerNorm(hidden, $"{p}.attn_norm", config.NormEps);
            var isGlobal = config.IsGlobalLayer(i);
            var (cos, sin) = isGlobal ? globalRope : localRope;

            // Wqkv's output is [q | k | v], each heads × head_dim: [b, s, 3, h, d] → [3, b, h, s, d].
            var qkv = g.Node("Transpose", [g.Node("Reshape", [ops.Linear(normed, $"{p}.attn.Wqkv"), g.Int64s(0, 0, 3, heads, headDim)])], Ints("perm", 2, 0, 3, 1, 4));
            string Part(long index) => g.Node("Gather", [qkv, g.ScalarInt64(index)], Int("axis", 0));
            var q = Rotate(ops, Part(0), cos, sin, headDim);
            var k = Rotate(ops, Part(1), cos, sin, headDim);
            var scores = g.Node("Div", [g.Node("MatMul", [q, g.Node("Transpose", [k], Ints("perm", 0, 1, 3, 2))]), g.Scalar(MathF.Sqrt(headDim))]);
            var context = ops.AttentionCore(scores, isGlobal ? globalMask : slidingMask, Part(2));
            hidden = g.Node("Add", [hidden, ops.Linear(ops.MergeHeads(context, config.HiddenSize), $"{p}.attn.Wo")]);

            // GeGLU: Wi gives [input | gate]; Wo(act(input) · gate).
            var wi = ops.Linear(ops.LayerNorm(hidden, $"{p}.mlp_norm", config.NormEps), $"{p}.mlp.Wi");
            var input = ops.Slice(wi, 0, config.IntermediateSize, 2);
            var gate = ops.Slice(wi, config.IntermediateSize, 2L * config.IntermediateSize, 2);
            var mlp = ops.Linear(g.Node("Mul", [ops.Activation(input, config.HiddenActivation), gate]), $"{p}.mlp.Wo");
            hidden = g.Node("Add", [hidden, mlp]);
        }

        hidden = ops.LayerNorm(hidden, "model.final_norm", config.NormEps);
        string pooled;
        if (config.ClassifierPooling == "cls")
        {
            pooled = ops.Token(hidden, 0);
        }
        else
        {
            var mask = ops.Unsqueeze(g.Node("Cast", [inputs.AttentionMask], Int("to", 1)), 2);
            pooled = g.Node("Div", [ops.ReduceSum(g.Node("Mul", [hidden, mask]), 1, keepDims: false), ops.ReduceSum(mask, 1, keepDims: false)]);
        }

        var head = ops.LayerNorm(ops.Activation(ops.Linear(pooled, "head.dense", quantizable: false), config.ClassifierActivation), "head.norm", config.NormEps);
        return ops.Linear(head, "classifier", quantizable: false);
    }

    // cos/sin [max_positions, head_dim] of θ, computed in fp32 as RotaryEmbedding.CosSin does, gathered to [seq, head_dim].
    private static (string Cos, string Sin) Rope(GraphOps ops, string positions, ModernBertConfig config, double theta, string name)
    {
        var dim = config.HeadDim;
        var count = config.MaxPositionEmbeddings;
        var invFreq = new float[dim / 2];
        for (var i = 0; i < invFreq.Length; i++)
        {
            invFreq[i] = 1.0f / MathF.Pow((float)theta, (2 * i) / (float)dim);
        }

        var cos = new float[count * dim];
        var sin = new float[count * dim];
        for (var pos = 0; pos < count; pos++)
        {
            for (var j = 0; j < dim; j++)
            {
                var angle = pos * invFreq[j % invFreq.Length];
                cos[(pos * dim) + j] = (float)Math.Cos(angle);
                sin[(pos * dim) + j] = (float)Math.Sin(angle);
            }
        }

        var g = ops.Graph;
        var cosTable = g.Initializer($"rope.{name}.cos", [count, dim], cos);
        var sinTable = g.Initializer($"rope.{name}.sin", [count, dim], sin);
        return (g.Node("Gather", [cosTable, positions]), g.Node("Gather", [sinTable, positions]));
    }

    // x·cos + rotate_half(x)·sin with rotate_half(x) = [−x₂, x₁].
    private static string Rotate(GraphOps ops, string x, string cos, string sin, int headDim)
    {
        var g = ops.Graph;
        var half = headDim / 2;
        var rotated = g.Node("Concat", [g.Node("Neg", [ops.Slice(x, half, headDim, 3)]), ops.Slice(x, 0, half, 3)], Int("axis", -1));
        return g.Node("Add", [g.Node("Mul", [x, cos]), g.Node("Mul", [rotated, sin])]);
    }
}
