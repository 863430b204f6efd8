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
    public WeightTensor Transposed(string name) => Transpose(this[name]);

    /// <summary>
    /// Linear weights <c>[out, in]</c> of the same input size, stacked along <c>out</c> and transposed: one
    /// <c>[in, Σ out]</c> MatMul weight whose columns are the first Linear's outputs, then the second's, and so on.
    /// </summary>
    public WeightTensor TransposedStack(params string[] names)
    {
        var parts = names.Select(n => this[n]).ToArray();
        var stacked = new WeightTensor([parts.Sum(p => p.Shape[0]), parts[0].Shape[1]], [.. parts.SelectMany(p => p.Values)]);
        return Transpose(stacked);
    }

    /// <summary>The named vectors one after another, or zeros of <paramref name="length"/> each where a name is absent.</summary>
    public float[] Concatenated(int length, params string[] names) =>
        [.. names.SelectMany(n => Contains(n) ? this[n].Values : new float[length])];

    private static WeightTensor Transpose(WeightTensor w)
    {
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
