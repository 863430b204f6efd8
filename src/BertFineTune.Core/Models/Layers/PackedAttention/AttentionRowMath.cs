using System.Runtime.Intrinsics;

namespace BertFineTune.Models.Layers.PackedAttention;

/// <summary>
/// The register-blocked loops of one (text, head) pair, on 8-lane fp32 vectors (<see cref="Vector256{T}"/>):
/// <list type="bullet">
/// <item><see cref="RowsTimesColumns"/>: <c>[rows, d] · [d, stride]</c>, four rows by two vectors at a time (scores,
/// and the gradient of the weights);</item>
/// <item><see cref="WeightedRows"/>: <c>Σ_j w[j] · rows[j]</c> with strided weights, four vectors of a row at a time
/// (contexts, and the q, k and v gradients, reading a column of the weights for the transposed products).</item>
/// </list>
/// Shapes are padded so that no loop has a tail: head widths are a multiple of 8 (<see cref="Supports"/>), row counts a
/// multiple of <see cref="RowBlock"/>, and strides a multiple of <see cref="ColumnBlock"/>, the padding holding zeros.
/// </summary>
internal static unsafe class AttentionRowMath
{
    public const int Lanes = 8;

    public const int RowBlock = 4;

    public const int ColumnBlock = 2 * Lanes;

    /// <summary>Whether the loops run on this machine and head width: 8-lane vectors in hardware, whole vectors per head.</summary>
    public static bool Supports(long headDim) => Vector256.IsHardwareAccelerated && headDim % Lanes == 0;

    /// <summary><paramref name="length"/> rounded up to a multiple of <paramref name="block"/>.</summary>
    public static int RoundUp(int length, int block) => (length + block - 1) / block * block;

    /// <summary>
    /// <c>result[i, j] = Σ_c rows[i, c] · columns[c, j]</c>: <paramref name="rows"/> <c>[rowCount, d]</c>,
    /// <paramref name="columns"/> <c>[d, stride]</c>, <paramref name="result"/> <c>[rowCount, stride]</c>.
    /// </summary>
    public static void RowsTimesColumns(float* rows, int rowCount, int d, float* columns, int stride, float* result)
    {
        for (var i = 0; i < rowCount; i += RowBlock)
        {
            var r0 = rows + (i * d);
            var r1 = r0 + d;
            var r2 = r1 + d;
            var r3 = r2 + d;
            for (var j = 0; j < stride; j += ColumnBlock)
            {
                Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
                Vector256<float> b0 = default, b1 = default, b2 = default, b3 = default;
                var column = columns + j;
                for (var c = 0; c < d; c++, column += stride)
                {
                    var left = Vector256.Load(column);
                    var right = Vector256.Load(column + Lanes);
                    var x0 = Vector256.Create(r0[c]);
                    var x1 = Vector256.Create(r1[c]);
                    var x2 = Vector256.Create(r2[c]);
                    var x3 = Vector256.Create(r3[c]);
                    a0 = Vector256.FusedMultiplyAdd(x0, left, a0);
                    b0 = Vector256.FusedMultiplyAdd(x0, right, b0);
                    a1 = Vector256.FusedMultiplyAdd(x1, left, a1);
                    b1 = Vector256.FusedMultiplyAdd(x1, right, b1);
                    a2 = Vector256.FusedMultiplyAdd(x2, left, a2);
                    b2 = Vector256.FusedMultiplyAdd(x2, right, b2);
                    a3 = Vector256.FusedMultiplyAdd(x3, left, a3);
                    b3 = Vector256.FusedMultiplyAdd(x3, right, b3);
                }

                var target = result + (i * stride) + j;
                a0.Store(target);
                b0.Store(target + Lanes);
                a1.Store(target + stride);
                b1.Store(target + stride + Lanes);
                a2.Store(target + (2 * stride));
                b2.Store(target + (2 * stride) + Lanes);
                a3.Store(target + (3 * stride));
                b3.Store(target + (3 * stride) + Lanes);
            }
        }
    }

    /// <summary>
    /// <c>result[c] = Σ_j weights[j · weightStride] · rows[j, c]</c> for <c>j &lt; count</c>: <paramref name="rows"/>
    /// <c>[count, d]</c>, <paramref name="result"/> <c>[d]</c>.
    /// </summary>
    public static void WeightedRows(float* weights, int weightStride, int count, float* rows, int d, float* result)
    {
        var c = 0;
        for (; c + (4 * Lanes) <= d; c += 4 * Lanes)
        {
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            var row = rows + c;
            var weight = weights;
            for (var j = 0; j < count; j++, row += d, weight += weightStride)
            {
                var x = Vector256.Create(*weight);
                a0 = Vector256.FusedMultiplyAdd(x, Vector256.Load(row), a0);
                a1 = Vector256.FusedMultiplyAdd(x, Vector256.Load(row + Lanes), a1);
                a2 = Vector256.FusedMultiplyAdd(x, Vector256.Load(row + (2 * Lanes)), a2);
                a3 = Vector256.FusedMultiplyAdd(x, Vector256.Load(row + (3 * Lanes)), a3);
            }

            a0.Store(result + c);
            a1.Store(result + c + Lanes);
            a2.Store(result + c + (2 * Lanes));
            a3.Store(result + c + (3 * Lanes));
        }

        for (; c < d; c += Lanes)
        {
            Vector256<float> even = default, odd = default;
            var j = 0;
            for (; j + 1 < count; j += 2)
            {
                even = Vector256.FusedMultiplyAdd(Vector256.Create(weights[j * weightStride]), Vector256.Load(rows + (j * d) + c), even);
                odd = Vector256.FusedMultiplyAdd(Vector256.Create(weights[(j + 1) * weightStride]), Vector256.Load(rows + ((j + 1) * d) + c), odd);
            }

            if (j < count)
            {
                even = Vector256.FusedMultiplyAdd(Vector256.Create(weights[j * weightStride]), Vector256.Load(rows + (j * d) + c), even);
            }

            (even + odd).Store(result + c);
        }
    }

    /// <summary>
    /// <c>values[j] = exp(values[j] − shift)</c> for <c>j &lt; length</c>, 0 on the rest of the <paramref name="stride"/>;
    /// returns their sum.
    /// </summary>
    public static float Exponentials(float* values, float shift, int length, int stride)
    {
        var sum = Vector256<float>.Zero;
        var offset = Vector256.Create(shift);
        var j = 0;
        for (; j + Lanes <= length; j += Lanes)
        {
            var e = Vector256.Exp(Vector256.Load(values + j) - offset);
            e.Store(values + j);
            sum += e;
        }

        var total = Vector256.Sum(sum);
        for (; j < length; j++)
        {
            values[j] = MathF.Exp(values[j] - shift);
            total += values[j];
        }

        new Span<float>(values + length, stride - length).Clear();
        return total;
    }

    /// <summary>The largest of <c>values[0..length)</c>.</summary>
    public static float Max(float* values, int length)
    {
        var max = Vector256.Create(float.NegativeInfinity);
        var j = 0;
        for (; j + Lanes <= length; j += Lanes)
        {
            max = Vector256.Max(max, Vector256.Load(values + j));
        }

        var result = float.NegativeInfinity;
        for (var lane = 0; lane < Lanes; lane++)
        {
            result = MathF.Max(result, max[lane]);
        }

        for (; j < length; j++)
        {
            result = MathF.Max(result, values[j]);
        }

        return result;
    }

    /// <summary><c>values[j] *= factors[j]</c> over a whole stride.</summary>
    public static void Multiply(float* values, float* factors, int stride)
    {
        for (var j = 0; j < stride; j += Lanes)
        {
            (Vector256.Load(values + j) * Vector256.Load(factors + j)).Store(values + j);
        }
    }

    /// <summary><c>values[j] *= factor</c> over a whole stride.</summary>
    public static void Scale(float* values, float factor, int stride)
    {
        var by = Vector256.Create(factor);
        for (var j = 0; j < stride; j += Lanes)
        {
            (Vector256.Load(values + j) * by).Store(values + j);
        }
    }

    /// <summary><c>Σ_j a[j] · b[j]</c> over a whole stride.</summary>
    public static float Dot(float* a, float* b, int stride)
    {
        var sum = Vector256<float>.Zero;
        for (var j = 0; j < stride; j += Lanes)
        {
            sum = Vector256.FusedMultiplyAdd(Vector256.Load(a + j), Vector256.Load(b + j), sum);
        }

        return Vector256.Sum(sum);
    }

    /// <summary>Softmax backward with the score scale folded in: <c>gradient[j] = p[j] · (gradient[j] − dot) · scale</c>.</summary>
    public static void SoftmaxGradient(float* probabilities, float* gradient, float dot, float scale, int stride)
    {
        var (shift, by) = (Vector256.Create(dot), Vector256.Create(scale));
        for (var j = 0; j < stride; j += Lanes)
        {
            (Vector256.Load(probabilities + j) * (Vector256.Load(gradient + j) - shift) * by).Store(gradient + j);
        }
    }
}
