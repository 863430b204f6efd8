using static TorchSharp.torch;

namespace BertFineTune.Models.Weights;

/// <summary>A loaded state dict (fp32 CPU tensors by checkpoint key) and the files it came from. Disposing frees the tensors.</summary>
public sealed class Checkpoint : IDisposable
{
    public Checkpoint(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyList<string> files)
    {
        Tensors = tensors;
        Files = files;
    }

    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    public IReadOnlyList<string> Files { get; }

    public void Dispose()
    {
        foreach (var tensor in Tensors.Values)
        {
            tensor.Dispose();
        }
    }
}
