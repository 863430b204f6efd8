using System.Buffers;
using System.Runtime.InteropServices;
using static BertFineTune.Models.Layers.PackedAttention.AttentionRowMath;

namespace BertFineTune.Models.Layers.PackedAttention;

/// <summary>
/// Self-attention of packed texts, forward and backward, one (text, head) pair at a time in fp32, in the style of
/// FlashAttention: forward keeps only each row's log-sum-exp, backward recomputes the row's weights from it, and dropout
/// is regenerated from its seed (<see cref="AttentionDropoutMask"/>), so no <c>seq²</c> tensor outlives a row.
/// </summary>
/// <remarks>
/// Why not LibTorch: on packed short texts the work per text and head is tiny (a 42-token text at head_dim 32 is a
/// quarter of a MFLOP forward), and a LibTorch op costs tens of µs to dispatch, record for autograd and hand to its
/// thread team. Per text and layer the eager path ran ~8 ops forward and ~12 backward, so a fortunes batch spent
/// 73 ms (bf16) in attention that this loop does in 35 (PackedAttentionKernelAB in the benchmarks), each pair's rows
/// staying in L1. On long texts its backward is the slower one (16 texts of 110–128 tokens, bf16: 93 against 66 ms,
/// forward 53 against 102 ms), and such batches run padded anyway (<see cref="SequenceClassificationModel.PackingThreshold"/>).
/// </remarks>
internal static unsafe class PackedAttentionKernel
{
    /// <summary>Writes each text's context into <paramref name="context"/> and each row's log-sum-exp (fp32, <c>[tokens, heads]</c>).</summary>
    public static void Forward(PackedAttentionProblem problem, TokenRows qkv, TokenRows context, TokenRows logSumExp) =>
        Run(problem, (scratch, text, head) => ForwardPair(problem, qkv, context, logSumExp, scratch, text, head));

    /// <summary>Writes the gradient of the fused projections into <paramref name="qkvGradient"/> (every row, every column).</summary>
    public static void Backward(
        PackedAttentionProblem problem,
        TokenRows qkv,
        TokenRows logSumExp,
        TokenRows contextGradient,
        TokenRows qkvGradient) =>
        Run(problem, (scratch, text, head) => BackwardPair(problem, qkv, logSumExp, contextGradient, qkvGradient, scratch, text, head));

    /// <summary>
    /// The pairs spread over <see cref="IntraOpWorkers"/>: pair <c>i</c> is head <c>i mod heads</c> of text
    /// <c>i / heads</c>, and worker <c>w</c> of <c>k</c> takes pairs <c>w, w + k, w + 2k, …</c>, an even share of every
    /// text's heads. Each pair writes its own rows and columns, so the result does not depend on the thread count.
    /// </summary>
    private static void Run(PackedAttentionProblem problem, Action<Scratch, int, int> pair)
    {
        var pairs = problem.Lengths.Length * problem.Heads;
        IntraOpWorkers.Run(pairs, (worker, workers) =>
        {
            using var scratch = new Scratch(problem.MaxLength, problem.HeadDim);
            for (var i = worker; i < pairs; i += workers)
            {
                pair(scratch, i / problem.Heads, i % problem.Heads);
            }
        });
    }

    private static void ForwardPair(
        PackedAttentionProblem problem,
        TokenRows qkv,
        TokenRows context,
        TokenRows logSumExp,
        Scratch scratch,
        int text,
        int head)
    {
        var (n, start, rows, stride) = problem.Layout(text);
        var d = problem.HeadDim;
        LoadRows(qkv, start, n, rows, problem.Column(0, head), d, scratch.Query);
        LoadTransposed(qkv, start, n, problem.Column(1, head), d, stride, scratch.KeysT, scratch.Row);
        LoadRows(qkv, start, n, n, problem.Column(2, head), d, scratch.Values);
        RowsTimesColumns(scratch.Query, rows, d, scratch.KeysT, stride, scratch.Scores);
        for (var i = 0; i < n; i++)
        {
            var weights = scratch.Scores + (i * stride);
            Scale(weights, problem.Scale, stride);
            var max = Max(weights, n);
            var sum = Exponentials(weights, max, n, stride);
            Scale(weights, 1f / sum, stride);
            if (problem.Dropout.IsActive)
            {
                problem.Dropout.Fill(text, head, i, new Span<float>(scratch.Kept, stride));
                Multiply(weights, scratch.Kept, stride);
            }

            WeightedRows(weights, 1, n, scratch.Values, d, scratch.Row);
            context.Write(start + i, (long)head * d, new ReadOnlySpan<float>(scratch.Row, d));
            logSumExp.Write(start + i, head, [max + MathF.Log(sum)]);
        }
    }

    private static void BackwardPair(
        PackedAttentionProblem problem,
        TokenRows qkv,
        TokenRows logSumExp,
        TokenRows contextGradient,
        TokenRows qkvGradient,
        Scratch scratch,
        int text,
        int head)
    {
        var (n, start, rows, stride) = problem.Layout(text);
        var d = problem.HeadDim;
        LoadRows(qkv, start, n, rows, problem.Column(0, head), d, scratch.Query);
        LoadRows(qkv, start, n, n, problem.Column(1, head), d, scratch.Keys);
        LoadTransposed(qkv, start, n, problem.Column(1, head), d, stride, scratch.KeysT, scratch.Row);
        LoadTransposed(qkv, start, n, problem.Column(2, head), d, stride, scratch.ValuesT, scratch.Row);
        LoadRows(contextGradient, start, n, rows, (long)head * d, d, scratch.OutputGradient);

        // P (recomputed from each row's log-sum-exp), and dP' = dO·vᵀ, the gradient of the weights that reached v.
        RowsTimesColumns(scratch.Query, rows, d, scratch.KeysT, stride, scratch.Scores);
        RowsTimesColumns(scratch.OutputGradient, rows, d, scratch.ValuesT, stride, scratch.WeightGradient);
        var keptWeights = problem.Dropout.IsActive ? scratch.KeptWeights : scratch.Scores;
        Span<float> rowLogSumExp = stackalloc float[1];
        for (var i = 0; i < n; i++)
        {
            var weights = scratch.Scores + (i * stride);
            var gradient = scratch.WeightGradient + (i * stride);
            Scale(weights, problem.Scale, stride);
            logSumExp.Read(start + i, head, rowLogSumExp);
            Exponentials(weights, rowLogSumExp[0], n, stride);
            if (problem.Dropout.IsActive)
            {
                // Through dropout: dP = dP'·mask/(1−p); the weights that reached v are P' = P·mask/(1−p).
                problem.Dropout.Fill(text, head, i, new Span<float>(scratch.Kept, stride));
                Multiply(gradient, scratch.Kept, stride);
                var kept = keptWeights + (i * stride);
                new ReadOnlySpan<float>(weights, stride).CopyTo(new Span<float>(kept, stride));
                Multiply(kept, scratch.Kept, stride);
            }

            // Softmax backward, dS = P ⊙ (dP − Σ P·dP), with the scores' 1/√d folded in; then dq = dS·k.
            SoftmaxGradient(weights, gradient, Dot(weights, gradient, stride), problem.Scale, stride);
            WeightedRows(gradient, 1, n, scratch.Keys, d, scratch.Row);
            qkvGradient.Write(start + i, problem.Column(0, head), new ReadOnlySpan<float>(scratch.Row, d));
        }

        // dk = dSᵀ·q and dv = P'ᵀ·dO: column j of the weights against the rows.
        for (var j = 0; j < n; j++)
        {
            WeightedRows(scratch.WeightGradient + j, stride, n, scratch.Query, d, scratch.Row);
            qkvGradient.Write(start + j, problem.Column(1, head), new ReadOnlySpan<float>(scratch.Row, d));
            WeightedRows(keptWeights + j, stride, n, scratch.OutputGradient, d, scratch.Row);
            qkvGradient.Write(start + j, problem.Column(2, head), new ReadOnlySpan<float>(scratch.Row, d));
        }
    }

    /// <summary>Rows <c>start…start+n</c> into <c>[rowCount, d]</c>, zero rows after n.</summary>
    private static void LoadRows(TokenRows source, long start, int n, int rowCount, long column, int d, float* rows)
    {
        for (var i = 0; i < n; i++)
        {
            source.Read(start + i, column, new Span<float>(rows + (i * d), d));
        }

        new Span<float>(rows + (n * d), (rowCount - n) * d).Clear();
    }

    /// <summary><c>[n, d]</c> rows → <c>[d, stride]</c> columns, zero beyond n.</summary>
    private static void LoadTransposed(TokenRows source, long start, int n, long column, int d, int stride, float* columns, float* buffer)
    {
        new Span<float>(columns, d * stride).Clear();
        for (var i = 0; i < n; i++)
        {
            source.Read(start + i, column, new Span<float>(buffer, d));
            for (var c = 0; c < d; c++)
            {
                columns[(c * stride) + i] = buffer[c];
            }
        }
    }

    /// <summary>
    /// The call's buffers in one array from the shared pool, pinned while the call runs, sized for its longest text:
    /// <c>[rows, d]</c> rows, <c>[d, stride]</c> columns, <c>[rows, stride]</c> weights. Pooled because a fresh one per
    /// call is up to a few hundred KB on the large-object heap, twelve times a step: garbage that only full collections
    /// take back.
    /// </summary>
    private sealed class Scratch : IDisposable
    {
        private readonly float[] _memory;
        private GCHandle _pin;

        public Scratch(int maxLength, int headDim)
        {
            var (rows, stride) = (RoundUp(maxLength, RowBlock), RoundUp(maxLength, ColumnBlock));
            int[] sizes = [rows * headDim, rows * headDim, rows * headDim, rows * headDim, headDim * stride, headDim * stride, rows * stride, rows * stride, rows * stride, stride, headDim];
            _memory = ArrayPool<float>.Shared.Rent(sizes.Sum());
            _pin = GCHandle.Alloc(_memory, GCHandleType.Pinned);
            var next = (float*)_pin.AddrOfPinnedObject();
            float* Take(int size)
            {
                var block = next;
                next += size;
                return block;
            }

            Query = Take(sizes[0]);
            Keys = Take(sizes[1]);
            Values = Take(sizes[2]);
            OutputGradient = Take(sizes[3]);
            KeysT = Take(sizes[4]);
            ValuesT = Take(sizes[5]);
            Scores = Take(sizes[6]);
            KeptWeights = Take(sizes[7]);
            WeightGradient = Take(sizes[8]);
            Kept = Take(sizes[9]);
            Row = Take(sizes[10]);
        }

        public float* Query { get; }

        public float* Keys { get; }

        public float* Values { get; }

        public float* OutputGradient { get; }

        public float* KeysT { get; }

        public float* ValuesT { get; }

        public float* Scores { get; }

        public float* KeptWeights { get; }

        public float* WeightGradient { get; }

        public float* Kept { get; }

        public float* Row { get; }

        public void Dispose()
        {
            _pin.Free();
            ArrayPool<float>.Shared.Return(_memory);
        }
    }
}
