using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace BertFineTune.Models.Layers.PackedAttention;

/// <summary>
/// Self-attention of right-padded texts packed end to end (<see cref="PackedSequences.PrefixLengths"/>) as one autograd
/// op over the fused projections: <c>[tokens, 3·hidden]</c> (fp32 or bf16) → context <c>[tokens, hidden]</c> in the same
/// dtype, computed by <see cref="PackedAttentionKernel"/> with fp32 arithmetic. Unmasked (each text sees its own
/// tokens), no rotary positions: BERT, DistilBERT, RoBERTa and ELECTRA layers.
/// </summary>
internal sealed class PackedSelfAttention : SingleTensorFunction<PackedSelfAttention>
{
    public override string Name => nameof(PackedSelfAttention);

    /// <summary>
    /// Whether the kernel takes <paramref name="qkv"/>: a CPU tensor in fp32 or bf16 that fits a span, with heads of
    /// whole vectors on a machine with 8-lane vectors (<see cref="AttentionRowMath.Supports"/>).
    /// </summary>
    public static bool Supports(Tensor qkv, long heads) =>
        AttentionRowMath.Supports(qkv.shape[1] / 3 / heads)
        && qkv.device_type == DeviceType.CPU
        && qkv.dtype is ScalarType.Float32 or ScalarType.BFloat16
        && qkv.numel() * qkv.ElementSize <= int.MaxValue;

    /// <summary>
    /// The context of <paramref name="qkv"/> packed by <paramref name="lengths"/>. With <paramref name="dropout"/> above 0
    /// the call draws its mask's seed from LibTorch's default generator.
    /// </summary>
    public static Tensor Apply(Tensor qkv, long heads, long[] lengths, double dropout)
    {
        var headDim = (int)(qkv.shape[1] / 3 / heads);
        var starts = new long[lengths.Length];
        for (var text = 1; text < lengths.Length; text++)
        {
            starts[text] = starts[text - 1] + lengths[text - 1];
        }

        var seed = dropout > 0 ? CounterHash.DrawSeed() : 0UL;
        var longest = (int)lengths.Max();
        var mask = new AttentionDropoutMask((float)dropout, seed, (int)heads, longest);
        var problem = new PackedAttentionProblem((int)heads, headDim, starts, lengths.Select(n => (int)n).ToArray(), mask);

        // Without a graph to record (inference, evaluation) the kernel runs directly: an autograd node would cost two
        // marshalled delegates and a spare output buffer per call for nothing.
        if (!torch.is_grad_enabled() || !qkv.requires_grad)
        {
            using var scope = torch.NewDisposeScope();
            return Forward(qkv.contiguous(), problem).Context.MoveToOuterDisposeScope();
        }

        return apply(qkv, problem);
    }

    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var qkv = ((Tensor)vars[0]).contiguous();
        var problem = (PackedAttentionProblem)vars[1];
        var (context, logSumExp) = Forward(qkv, problem);
        ctx.save_for_backward([qkv, logSumExp]);
        ctx.save_data(nameof(PackedAttentionProblem), problem);
        return context;
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        using var scope = torch.NewDisposeScope();
        var saved = ctx.get_saved_variables();
        var (qkv, logSumExp) = (saved[0], saved[1]);
        var problem = (PackedAttentionProblem)ctx.get_data(nameof(PackedAttentionProblem));
        var contextGradient = grad_output.to(qkv.dtype).contiguous();
        var qkvGradient = torch.empty_like(qkv);
        PackedAttentionKernel.Backward(problem, TokenRows.Of(qkv), TokenRows.Of(logSumExp), TokenRows.Of(contextGradient), TokenRows.Of(qkvGradient));
        return [qkvGradient.MoveToOuterDisposeScope(), null!];
    }

    /// <summary>The context of contiguous <paramref name="qkv"/> and each row's log-sum-exp (fp32 <c>[tokens, heads]</c>).</summary>
    private static (Tensor Context, Tensor LogSumExp) Forward(Tensor qkv, PackedAttentionProblem problem)
    {
        var tokens = qkv.shape[0];
        var context = torch.empty([tokens, problem.Heads * problem.HeadDim], qkv.dtype);
        var logSumExp = torch.empty([tokens, problem.Heads], ScalarType.Float32);
        PackedAttentionKernel.Forward(problem, TokenRows.Of(qkv), TokenRows.Of(context), TokenRows.Of(logSumExp));
        return (context, logSumExp);
    }
}
