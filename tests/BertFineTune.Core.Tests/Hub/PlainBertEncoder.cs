using BertFineTune.Hub;
using BertFineTune.Models.Weights;

namespace BertFineTune.Tests.Hub;

/// <summary>
/// A plain-array BERT encoder forward (one unpadded sentence, eval mode), test-only: it reads an HF BertModel
/// folder's safetensors by HF key names, so it checks that an imported folder's names, transposes and config are right
/// independently of the TorchSharp models.
/// </summary>
internal sealed class PlainBertEncoder(string safetensorsPath, int layers, int heads, double eps)
{
    private readonly Dictionary<string, float[]> _cache = [];

    public double[][] LastHiddenState(int[] ids)
    {
        var word = W("embeddings.word_embeddings.weight");
        var pos = W("embeddings.position_embeddings.weight");
        var type = W("embeddings.token_type_embeddings.weight");
        var hidden = W("embeddings.LayerNorm.weight").Length;
        var x = new double[ids.Length][];
        for (var t = 0; t < ids.Length; t++)
        {
            x[t] = new double[hidden];
            for (var h = 0; h < hidden; h++)
            {
                x[t][h] = (double)word[(ids[t] * hidden) + h] + pos[(t * hidden) + h] + type[h];
            }
        }

        x = LayerNorm(x, "embeddings.LayerNorm");
        for (var l = 0; l < layers; l++)
        {
            var p = $"encoder.layer.{l}.";
            var q = Linear(x, p + "attention.self.query");
            var k = Linear(x, p + "attention.self.key");
            var v = Linear(x, p + "attention.self.value");
            var context = Attention(q, k, v, hidden / heads);
            var attention = LayerNorm(Add(Linear(context, p + "attention.output.dense"), x), p + "attention.output.LayerNorm");
            var intermediate = Linear(attention, p + "intermediate.dense");
            foreach (var row in intermediate)
            {
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = 0.5 * row[i] * (1 + Erf(row[i] / Math.Sqrt(2)));
                }
            }

            x = LayerNorm(Add(Linear(intermediate, p + "output.dense"), attention), p + "output.LayerNorm");
        }

        return x;
    }

    private double[][] Attention(double[][] q, double[][] k, double[][] v, int headDim)
    {
        var n = q.Length;
        var output = q.Select(r => new double[r.Length]).ToArray();
        for (var h = 0; h < q[0].Length / headDim; h++)
        {
            var offset = h * headDim;
            for (var i = 0; i < n; i++)
            {
                var scores = new double[n];
                for (var j = 0; j < n; j++)
                {
                    for (var d = 0; d < headDim; d++)
                    {
                        scores[j] += q[i][offset + d] * k[j][offset + d];
                    }

                    scores[j] /= Math.Sqrt(headDim);
                }

                var max = scores.Max();
                var exp = scores.Select(s => Math.Exp(s - max)).ToArray();
                var sum = exp.Sum();
                for (var j = 0; j < n; j++)
                {
                    for (var d = 0; d < headDim; d++)
                    {
                        output[i][offset + d] += exp[j] / sum * v[j][offset + d];
                    }
                }
            }
        }

        return output;
    }

    private double[][] Linear(double[][] x, string name)
    {
        var weight = W(name + ".weight");
        var bias = W(name + ".bias");
        var inputs = x[0].Length;
        return [.. x.Select(row =>
        {
            var y = new double[bias.Length];
            for (var o = 0; o < y.Length; o++)
            {
                double s = bias[o];
                for (var i = 0; i < inputs; i++)
                {
                    s += row[i] * weight[(o * inputs) + i];
                }

                y[o] = s;
            }

            return y;
        })];
    }

    private double[][] LayerNorm(double[][] x, string name)
    {
        var gamma = W(name + ".weight");
        var beta = W(name + ".bias");
        return [.. x.Select(row =>
        {
            var mean = row.Average();
            var variance = row.Select(v => (v - mean) * (v - mean)).Average();
            return row.Select((v, i) => ((v - mean) / Math.Sqrt(variance + eps) * gamma[i]) + beta[i]).ToArray();
        })];
    }

    private static double[][] Add(double[][] a, double[][] b) => [.. a.Select((row, t) => row.Select((v, i) => v + b[t][i]).ToArray())];

    private float[] W(string name)
    {
        if (!_cache.TryGetValue(name, out var values))
        {
            values = SafetensorsFile.ReadFloats(safetensorsPath, name);
            _cache[name] = values;
        }

        return values;
    }

    /// <summary>erf to ~1e-15 (Abramowitz–Stegun 7.1.26 is too coarse for a parity check): series for small |x|, continued fraction beyond.</summary>
    private static double Erf(double x)
    {
        var ax = Math.Abs(x);
        double result;
        if (ax < 2.5)
        {
            // Maclaurin series: erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1)).
            double term = ax, sum = ax;
            for (var n = 1; n < 200 && Math.Abs(term) > 1e-17; n++)
            {
                term *= -ax * ax / n;
                sum += term / ((2 * n) + 1);
            }

            result = 2 / Math.Sqrt(Math.PI) * sum;
        }
        else
        {
            // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))), evaluated from the tail.
            var f = ax;
            for (var n = 60; n >= 1; n--)
            {
                f = ax + (n / 2.0 / f);
            }

            result = 1 - (Math.Exp(-ax * ax) / Math.Sqrt(Math.PI) / f);
        }

        return x < 0 ? -result : result;
    }
}
