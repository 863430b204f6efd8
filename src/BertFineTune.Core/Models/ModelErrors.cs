namespace BertFineTune.Models;

/// <summary>User-error codes of model loading and saving (the BFT21x block of the 2xx models range).</summary>
public static class ModelErrors
{
    /// <summary>config.json is missing, not JSON, or not an object.</summary>
    public const string ConfigUnreadable = "BFT210";

    /// <summary>A config.json field has the wrong type or an unsupported value.</summary>
    public const string InvalidConfigValue = "BFT211";

    /// <summary><c>model_type</c> is not one of the supported families.</summary>
    public const string UnknownModelType = "BFT212";

    /// <summary>No weights file (model.safetensors, its index, pytorch_model.bin) in the folder.</summary>
    public const string WeightsMissing = "BFT213";

    /// <summary>A weights file cannot be read (truncated, bad header, unsupported dtype).</summary>
    public const string WeightsUnreadable = "BFT214";

    /// <summary>Weights that the architecture needs are absent from the checkpoint.</summary>
    public const string MissingKeys = "BFT215";

    /// <summary>The checkpoint holds weights the architecture does not have.</summary>
    public const string UnexpectedKeys = "BFT216";

    /// <summary>A checkpoint weight has a different shape from the architecture's.</summary>
    public const string ShapeMismatch = "BFT217";

    /// <summary>The requested labels are invalid (empty, duplicated).</summary>
    public const string InvalidLabels = "BFT218";
}
