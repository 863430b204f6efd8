using BertFineTune.Diagnostics;

namespace BertFineTune.Inference;

/// <summary>
/// The option checks both runtimes make before classifying (BFT401–404), so TorchSharp and ONNX Runtime refuse the
/// same options with the same words.
/// </summary>
internal static class ClassifierOptionChecks
{
    /// <param name="batchSize">Texts per model run.</param>
    /// <param name="maxLength">The requested tokens per text, or null for the model's limit.</param>
    /// <param name="modelLimit">The model's own limit on tokens per text.</param>
    /// <param name="multiLabelThreshold">The sigmoid threshold for multi-label models.</param>
    /// <param name="labelCount">How many labels the model has.</param>
    /// <param name="configFile">The config.json the labels come from, where there is one to name.</param>
    public static void ThrowIfInvalid(int batchSize, int? maxLength, int modelLimit, float multiLabelThreshold, int labelCount, string? configFile)
    {
        var errors = new List<UserError>();
        if (batchSize < 1)
        {
            errors.Add(new UserError("BFT401", $"The batch size must be at least 1 (got {batchSize}).", Key: "--batch-size"));
        }

        if (maxLength is { } max && (max < 2 || max > modelLimit))
        {
            errors.Add(new UserError("BFT402", $"The max length must be between 2 and the model's limit of {modelLimit} tokens (got {max}).", Key: "--max-length"));
        }

        if (!(multiLabelThreshold is > 0f and < 1f))
        {
            errors.Add(new UserError("BFT403", $"The multi-label threshold must be strictly between 0 and 1 (got {multiLabelThreshold}).", Key: "--threshold"));
        }

        if (labelCount == 0)
        {
            errors.Add(new UserError("BFT404", "The model has no labels (config.json id2label is empty); it cannot classify.", configFile));
        }

        if (errors.Count > 0)
        {
            throw new UserErrorException(errors);
        }
    }
}
