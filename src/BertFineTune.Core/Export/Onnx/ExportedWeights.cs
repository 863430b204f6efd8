namespace BertFineTune.Export.Onnx;

/// <summary>One float32 parameter of the model, by its Hugging Face name, row-major.</summary>
internal sealed record WeightTensor(long[] Shape, float[] Values);

/// <summary>The model's parameters by Hugging Face name (<c>bert.encoder.layer.0.attention.self.query.weight</c>).</summary>
internal sealed class ExportedWeights(IReadOnlyDictionary<string, WeightTensor> tensors)
{
    public bool Contains(string name) => tensors.ContainsKey(name);

    public WeightTensor this[string name] => tensors.TryGetValue(name, out var tensor)
        ? tensor
        : throw new InvalidOperationException($"The model has no parameter '{name}'; the ONNX graph and the module tree disagree.");

    /// <summary>A Linear weight <c>[out, in]</c> transposed to the <c>[in, out]</c> that <c>MatMul(x, W)</c> takes.</summary>
    public WeightTensor Transposed(string name)
    {
        var w = this[name];
        var (rows, cols) = ((int)w.Shape[0], (int)w.Shape[1]);
        var t = new float[w.Values.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < cols; c++)
            {
                t[(c * rows) + r] = w.Values[(r * cols) + c];
            }
        }

        return new WeightTensor([cols, rows], t);
    }
}
