using System.Collections;
using BertFineTune.Diagnostics;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace BertFineTune.Models.Weights;

/// <summary>Reads model.safetensors (single or sharded) or pytorch_model.bin (zip pickle, single or sharded) into a <see cref="Checkpoint"/>.</summary>
public static class CheckpointReader
{
    public static Checkpoint Read(string directory)
    {
        var files = CheckpointFiles.Find(directory);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var file in files)
            {
                foreach (var (key, tensor) in ReadFile(file))
                {
                    if (!tensors.TryAdd(key, tensor))
                    {
                        tensor.Dispose();
                        throw new UserErrorException(ModelErrors.WeightsUnreadable, $"the key '{key}' appears in more than one shard. Re-download the model.", file);
                    }
                }
            }
        }
        catch
        {
            foreach (var t in tensors.Values)
            {
                t.Dispose();
            }

            throw;
        }

        return new Checkpoint(tensors, files);
    }

    private static IEnumerable<(string Key, Tensor Tensor)> ReadFile(string file)
    {
        var isSafetensors = file.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase);
        if (isSafetensors)
        {
            SafetensorsFile.ReadHeader(file); // Fails with a clear message on a truncated or foreign file.
        }

        List<(string, Tensor)> raw;
        try
        {
            raw = isSafetensors
                ? Safetensors.LoadStateDict(file).Select(kv => (kv.Key, kv.Value)).ToList()
                : FromPickle(PyTorchUnpickler.UnpickleStateDict(file));
        }
        catch (Exception e) when (e is not UserErrorException and not OutOfMemoryException)
        {
            throw new UserErrorException(
                ModelErrors.WeightsUnreadable,
                $"{Path.GetFileName(file)} could not be read ({e.GetType().Name}: {e.Message}). Re-download or re-save the model.",
                file);
        }

        return raw.Select(kv => (kv.Item1, ToFloat32(kv.Item2)));
    }

    private static List<(string, Tensor)> FromPickle(Hashtable table)
    {
        var result = new List<(string, Tensor)>();
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Key is string key && entry.Value is Tensor tensor)
            {
                result.Add((key, tensor));
            }
        }

        return result;
    }

    private static Tensor ToFloat32(Tensor tensor)
    {
        if (!tensor.is_floating_point() || tensor.dtype == ScalarType.Float32)
        {
            return tensor;
        }

        // fp16/bf16 checkpoints: master weights are fp32 here.
        var converted = tensor.to(ScalarType.Float32);
        tensor.Dispose();
        return converted;
    }
}
