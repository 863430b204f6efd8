using BertFineTune.Models.Configuration;

namespace BertFineTune.Export.Onnx;

/// <summary>The graph inputs: int64 <c>[batch, sequence]</c>; <see cref="TokenTypeIds"/> only for BERT.</summary>
internal sealed record GraphInputs(string InputIds, string AttentionMask, string? TokenTypeIds);

/// <summary>
/// BERT, RoBERTa and DistilBERT classifiers, node for node as <c>modeling_bert.py</c> / <c>modeling_roberta.py</c> /
/// <c>modeling_distilbert.py</c> compute them in eval mode (dropout is the identity), with HF parameter names.
/// </summary>
internal static class BertFamilyGraphs
{
    public static string Bert(GraphOps ops, GraphInputs inputs, BertConfig config)
    {
        var g = ops.Graph;
        var embedded = Embeddings(ops, "bert", inputs.InputIds, inputs.TokenTypeIds!, ops.PositionIds(inputs.InputIds), config);
        var hidden = BertEncoder(ops, embedded, inputs.AttentionMask, "bert.encoder.layer", config);
        var pooled = g.Node("Tanh", [ops.Linear(ops.Token(hidden, 0), "bert.pooler.dense", quantizable: false)]);
        return ops.Linear(pooled, "classifier", quantizable: false);
    }

    public static string Roberta(GraphOps ops, GraphInputs inputs, BertConfig config)
    {
        var g = ops.Graph;

        // create_position_ids_from_input_ids: cumsum(id ≠ pad) · (id ≠ pad) + pad.
        var notPad = g.Node("Cast", [g.Node("Not", [g.Node("Equal", [inputs.InputIds, g.ScalarInt64(config.PadTokenId)])])], OnnxGraphBuilder.Int("to", 7));
        var positionIds = g.Node("Add", [g.Node("Mul", [g.Node("CumSum", [notPad, g.ScalarInt64(1)]), notPad]), g.ScalarInt64(config.PadTokenId)]);
        var embedded = Embeddings(ops, "roberta", inputs.InputIds, g.ScalarInt64(0), positionIds, config); // every token has type 0
        var hidden = BertEncoder(ops, embedded, inputs.AttentionMask, "roberta.encoder.layer", config);
        var dense = g.Node("Tanh", [ops.Linear(ops.Token(hidden, 0), "classifier.dense", quantizable: false)]);
        return ops.Linear(dense, "classifier.out_proj", quantizable: false);
    }

    public static string DistilBert(GraphOps ops, GraphInputs inputs, DistilBertConfig config)
    {
        var g = ops.Graph;
        var words = g.Node("Gather", [ops.Parameter("distilbert.embeddings.word_embeddings.weight"), inputs.InputIds]);
        var positions = g.Node("Gather", [ops.Parameter("distilbert.embeddings.position_embeddings.weight"), ops.PositionIds(inputs.InputIds)]);
        var hidden = ops.LayerNorm(g.Node("Add", [words, positions]), "distilbert.embeddings.LayerNorm", config.LayerNormEps);
        for (var i = 0; i < config.NumHiddenLayers; i++)
        {
            var p = $"distilbert.transformer.layer.{i}";

            // HF divides q by √d before q·kᵀ; dividing the scores instead is the pattern ORT fuses, and equal in exact arithmetic.
            var attended = ops.SelfAttention(hidden, inputs.AttentionMask, $"{p}.attention.q_lin", $"{p}.attention.k_lin", $"{p}.attention.v_lin", $"{p}.attention.out_lin", config.NumAttentionHeads, config.HiddenSize);
            hidden = ops.LayerNorm(g.Node("Add", [attended, hidden]), $"{p}.sa_layer_norm", config.LayerNormEps);
            var ffn = ops.Linear(ops.Activation(ops.Linear(hidden, $"{p}.ffn.lin1"), config.Activation), $"{p}.ffn.lin2");
            hidden = ops.LayerNorm(g.Node("Add", [ffn, hidden]), $"{p}.output_layer_norm", config.LayerNormEps);
        }

        var pre = g.Node("Relu", [ops.Linear(ops.Token(hidden, 0), "pre_classifier", quantizable: false)]);
        return ops.Linear(pre, "classifier", quantizable: false);
    }

    // BertEmbeddings: word + token type + position embeddings, then LayerNorm (dropout is the identity in eval).
    private static string Embeddings(GraphOps ops, string model, string inputIds, string tokenTypeIds, string positionIds, BertConfig config)
    {
        var g = ops.Graph;
        var words = g.Node("Gather", [ops.Parameter($"{model}.embeddings.word_embeddings.weight"), inputIds]);
        var types = g.Node("Gather", [ops.Parameter($"{model}.embeddings.token_type_embeddings.weight"), tokenTypeIds]);
        var positions = g.Node("Gather", [ops.Parameter($"{model}.embeddings.position_embeddings.weight"), positionIds]);
        return ops.LayerNorm(g.Node("Add", [g.Node("Add", [words, types]), positions]), $"{model}.embeddings.LayerNorm", config.LayerNormEps);
    }

    // BertLayer × N: attention (self + output with residual LayerNorm), intermediate (dense + act), output (dense, residual LayerNorm).
    private static string BertEncoder(GraphOps ops, string hidden, string attentionMask, string prefix, BertConfig config)
    {
        var g = ops.Graph;
        for (var i = 0; i < config.NumHiddenLayers; i++)
        {
            var p = $"{prefix}.{i}";
            var self = $"{p}.attention.self";
            var attended = ops.SelfAttention(hidden, attentionMask, $"{self}.query", $"{self}.key", $"{self}.value", $"{p}.attention.output.dense", config.NumAttentionHeads, config.HiddenSize);
            hidden = ops.LayerNorm(g.Node("Add", [attended, hidden]), $"{p}.attention.output.LayerNorm", config.LayerNormEps);
            var intermediate = ops.Activation(ops.Linear(hidden, $"{p}.intermediate.dense"), config.HiddenAct);
            hidden = ops.LayerNorm(g.Node("Add", [ops.Linear(intermediate, $"{p}.output.dense"), hidden]), $"{p}.output.LayerNorm", config.LayerNormEps);
        }

        return hidden;
    }
}
