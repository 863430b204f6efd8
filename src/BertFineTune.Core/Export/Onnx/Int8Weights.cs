namespace BertFineTune.Export.Onnx;

/// <summary>
/// Symmetric per-output-channel int8 quantization of a <c>[in, out]</c> MatMul weight: column j is stored as
/// <c>round(w / s_j)</c> in [−127, 127] with <c>s_j = max|w[:, j]| / 127</c> (zero point 0). Per channel keeps
/// small-magnitude output features precise even when another column has outliers.
/// </summary>
internal static class Int8Weights
{
    public static (sbyte[] Values, float[] Scales) Quantize(WeightTensor weight)
    {
        var (rows, cols) = ((int)weight.Shape[0], (int)weight.Shape[1]);
        var scales = new float[cols];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < cols; c++)
            {
                scales[c] = Math.Max(scales[c], Math.Abs(weight.Values[(r * cols) + c]));
            }
        }

        for (var c = 0; c < cols; c++)
        {
            scales[c] = scales[c] > 0 ? scales[c] / 127f : 1f;
        }

        var values = new sbyte[weight.Values.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < cols; c++)
            {
                var q = MathF.Round(weight.Values[(r * cols) + c] / scales[c], MidpointRounding.ToEven);
                values[(r * cols) + c] = (sbyte)Math.Clamp(q, -127f, 127f);
            }
        }

        return (values, scales);
    }
}
