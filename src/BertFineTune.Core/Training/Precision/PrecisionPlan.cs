using BertFineTune.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Training.Precision;

/// <summary>
/// How the Linear layers compute: fp32, bf16 (fp32 master weights, bf16 matmuls) or, on CUDA only, fp16 with a
/// dynamic loss scaler. <c>fp16</c> on a CPU falls back to bf16 with a warning, since CPUs have no fast fp16 matmul.
/// </summary>
public sealed record PrecisionPlan(ScalarType? LinearComputeType, bool UsesLossScaling, UserError? Warning)
{
    public static PrecisionPlan Resolve(bool bf16, bool fp16, Device device)
    {
        if (bf16 && fp16)
        {
            throw new UserErrorException("BFT305", "bf16 and fp16 cannot both be true; pick one.", key: "hyperparameters.fp16");
        }

        if (fp16)
        {
            if (device.type == DeviceType.CUDA)
            {
                return new PrecisionPlan(ScalarType.Float16, true, null);
            }

            var warning = new UserError(
                "BFT306",
                "fp16 needs a CUDA device; on this CPU training uses bf16 instead (same memory saving, no loss scaling needed).",
                Key: "hyperparameters.fp16",
                Severity: Severity.Warning);
            return new PrecisionPlan(ScalarType.BFloat16, false, warning);
        }

        return bf16 ? new PrecisionPlan(ScalarType.BFloat16, false, null) : new PrecisionPlan(null, false, null);
    }

    /// <summary>What a reader of the report or the console needs: <c>fp32</c>, <c>bf16 matmuls, fp32 master weights</c>, ...</summary>
    public override string ToString() => (LinearComputeType, UsesLossScaling) switch
    {
        (null, _) => "fp32",
        (ScalarType.BFloat16, _) => Warning is null ? "bf16 matmuls, fp32 master weights" : "bf16 matmuls, fp32 master weights (fp16 asked for; no CUDA)",
        (ScalarType.Float16, true) => "fp16 matmuls with dynamic loss scaling, fp32 master weights",
        ({ } type, _) => $"{type.ToString().ToLowerInvariant()} matmuls, fp32 master weights",
    };
}
