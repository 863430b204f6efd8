using TorchSharp;

namespace BertFineTune.Models.Layers;

/// <summary>
/// Splits .NET work that runs between LibTorch ops (the packed attention kernel, large dropout masks) over as many
/// threads as LibTorch uses for its own ops (<c>torch.get_num_threads()</c>), so <c>threads</c> means one thing.
/// </summary>
/// <remarks>
/// This pays only because LibTorch's OpenMP workers stop spinning soon after an op (<see cref="Native.OpenMpSpinWait"/>).
/// With libgomp's default spin the packed kernel ran a fortunes batch's attention no faster on two threads than on one
/// (fp32, 2 cores: forward 11.4 and 10.8 ms, backward 18.3 and 19.4 ms per batch of 6 layers): the second core was busy
/// spinning.
/// </remarks>
internal static class IntraOpWorkers
{
    /// <summary>
    /// Runs <paramref name="body"/>(worker, workers) once per worker, with at most <paramref name="items"/> workers; a
    /// single worker runs on the calling thread.
    /// </summary>
    public static void Run(long items, Action<int, int> body)
    {
        var workers = (int)Math.Clamp(torch.get_num_threads(), 1, Math.Max(1, items));
        if (workers == 1)
        {
            body(0, 1);
            return;
        }

        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, worker => body(worker, workers));
    }
}
