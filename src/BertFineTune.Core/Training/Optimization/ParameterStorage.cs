using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Training.Optimization;

/// <summary>
/// Re-points a parameter's storage at another tensor (PyTorch's <c>p.data = view</c>), so that a fused optimizer can
/// own one flat buffer while every module keeps its own <see cref="TorchSharp.Modules.Parameter"/> object.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 binds ATen's <c>Tensor::set_(source)</c> but keeps the method internal; it is reached by
/// reflection once per parameter when the optimizer is built, never per step.
/// </remarks>
internal static class ParameterStorage
{
    private static readonly MethodInfo SetMethod =
        typeof(Tensor).GetMethod("set_", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public, [typeof(Tensor)])
        ?? throw new MissingMethodException("TorchSharp.torch.Tensor.set_(Tensor) was not found; this TorchSharp version cannot fuse AdamW.");

    /// <summary>Makes <paramref name="target"/> share <paramref name="source"/>'s storage, shape and strides.</summary>
    public static void Repoint(Tensor target, Tensor source)
    {
        using var noGrad = torch.no_grad();
        var result = SetMethod.Invoke(target, [source]);
        if (result is Tensor returned && !ReferenceEquals(returned, target))
        {
            returned.Dispose();
        }
    }
}
