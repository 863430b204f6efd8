using BertFineTune.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BertFineTune.Models.Weights;

/// <summary>
/// Copies a checkpoint into a module by HF key, as transformers' <c>from_pretrained</c> does: headless keys get the
/// base prefix, legacy <c>gamma</c>/<c>beta</c> become <c>weight</c>/<c>bias</c>, <c>position_ids</c> buffers are skipped.
/// Every other missing, unexpected or wrong-shape key is a user error listing them all.
/// </summary>
public static class CheckpointMatcher
{
    private const int MaxListed = 25;

    /// <param name="module">The module to fill.</param>
    /// <param name="layout">Its key layout.</param>
    /// <param name="checkpoint">The loaded state dict.</param>
    /// <param name="allowFreshHead">Whether head parameters may be missing or of another shape (then <paramref name="initializeFresh"/> creates them).</param>
    /// <param name="initializeFresh">HF's init for a head parameter, by name.</param>
    public static CheckpointMatch Apply(
        nn.Module module,
        ICheckpointLayout layout,
        Checkpoint checkpoint,
        bool allowFreshHead,
        Action<string, Parameter>? initializeFresh)
    {
        var parameters = module.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        var sources = new Dictionary<string, (string Key, Tensor Tensor)>(StringComparer.Ordinal);
        var unexpected = new List<string>();
        var ignored = new List<string>();

        foreach (var (key, tensor) in checkpoint.Tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var name = RenameLegacy(key);
            if (name.EndsWith("position_ids", StringComparison.Ordinal))
            {
                ignored.Add(key);
                continue;
            }

            var target = Candidates(name, layout).FirstOrDefault(parameters.ContainsKey);
            if (target is null)
            {
                (Candidates(name, layout).Any(c => IsIgnored(c, layout)) ? ignored : unexpected).Add(key);
            }
            else if (!sources.TryAdd(target, (key, tensor)))
            {
                unexpected.Add($"{key} (a second copy of {target})");
            }
        }

        var missing = new List<string>();
        var mismatched = new List<string>();
        var fresh = new List<string>();
        foreach (var (name, parameter) in parameters)
        {
            var isHead = allowFreshHead && layout.HeadPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));
            if (!sources.TryGetValue(name, out var source))
            {
                (isHead ? fresh : missing).Add(name);
            }
            else if (!source.Tensor.shape.SequenceEqual(parameter.shape))
            {
                if (isHead)
                {
                    fresh.Add(name);
                }
                else
                {
                    mismatched.Add($"{source.Key}: checkpoint [{string.Join(", ", source.Tensor.shape)}], model [{string.Join(", ", parameter.shape)}]");
                }
            }
        }

        ThrowIfAny(missing, unexpected, mismatched, checkpoint);

        using (torch.no_grad())
        {
            foreach (var (name, parameter) in parameters)
            {
                if (fresh.Contains(name))
                {
                    initializeFresh?.Invoke(name, parameter);
                }
                else
                {
                    parameter.copy_(sources[name].Tensor);
                }
            }
        }

        return new CheckpointMatch(parameters.Keys.Except(fresh).ToList(), fresh, ignored);
    }

    /// <summary>transformers' legacy LayerNorm names: <c>gamma</c> → <c>weight</c>, <c>beta</c> → <c>bias</c>.</summary>
    public static string RenameLegacy(string key) =>
        key.EndsWith(".gamma", StringComparison.Ordinal) ? key[..^".gamma".Length] + ".weight"
        : key.EndsWith(".beta", StringComparison.Ordinal) ? key[..^".beta".Length] + ".bias"
        : key;

    private static IEnumerable<string> Candidates(string name, ICheckpointLayout layout)
    {
        yield return name;
        if (layout.BasePrefix.Length > 0)
        {
            yield return layout.BasePrefix + name;
        }

        if (layout.StrippedPrefix is { Length: > 0 } stripped && name.StartsWith(stripped, StringComparison.Ordinal))
        {
            yield return name[stripped.Length..];
        }
    }

    private static bool IsIgnored(string name, ICheckpointLayout layout) =>
        layout.IgnoredCheckpointPrefixes.Any(p =>
            name.StartsWith(p, StringComparison.Ordinal) ||
            (layout.BasePrefix.Length > 0 && (layout.BasePrefix + name).StartsWith(p, StringComparison.Ordinal)));

    private static void ThrowIfAny(List<string> missing, List<string> unexpected, List<string> mismatched, Checkpoint checkpoint)
    {
        var file = checkpoint.Files.Count == 1 ? checkpoint.Files[0] : Path.GetDirectoryName(checkpoint.Files[0]);
        var errors = new List<UserError>();
        if (missing.Count > 0)
        {
            errors.Add(new UserError(
                ModelErrors.MissingKeys,
                $"the checkpoint lacks {missing.Count} weight(s) the architecture in config.json needs: {List(missing)}. " +
                "The weights do not belong to this config.json; use the config.json saved with these weights.",
                file));
        }

        if (unexpected.Count > 0)
        {
            errors.Add(new UserError(
                ModelErrors.UnexpectedKeys,
                $"the checkpoint holds {unexpected.Count} weight(s) the architecture in config.json does not have: {List(unexpected)}. " +
                "Check that config.json's model_type and sizes match the weights.",
                file));
        }

        if (mismatched.Count > 0)
        {
            errors.Add(new UserError(
                ModelErrors.ShapeMismatch,
                $"{mismatched.Count} weight(s) have another shape than config.json implies: {List(mismatched)}. " +
                "Check hidden_size, intermediate_size, vocab_size and max_position_embeddings in config.json.",
                file));
        }

        if (errors.Count > 0)
        {
            throw new UserErrorException(errors);
        }
    }

    private static string List(List<string> keys) =>
        string.Join(", ", keys.Take(MaxListed)) + (keys.Count > MaxListed ? $" and {keys.Count - MaxListed} more" : string.Empty);
}
