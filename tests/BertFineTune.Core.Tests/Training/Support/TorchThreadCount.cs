using TorchSharp;

namespace BertFineTune.Tests.Training.Support;

/// <summary>Sets LibTorch's intra-op thread count for a test and gives the previous one back when disposed.</summary>
public sealed class TorchThreadCount : IDisposable
{
    private readonly int _previous = torch.get_num_threads();

    private TorchThreadCount(int threads) => torch.set_num_threads(threads);

    /// <summary>Runs LibTorch (and the .NET work split like it) on <paramref name="threads"/> threads until disposed.</summary>
    public static TorchThreadCount Set(int threads) => new(threads);

    /// <summary>Changes the count again; disposal still restores the one from before <see cref="Set"/>.</summary>
    public void Change(int threads) => torch.set_num_threads(threads);

    public void Dispose() => torch.set_num_threads(_previous);
}
