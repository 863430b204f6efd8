namespace BertFineTune.Inference;

/// <summary>User-error codes of the ONNX inference backend (BFT43x, in the 4xx inference block).</summary>
public static class InferenceErrors
{
    /// <summary>The folder has no model.onnx.</summary>
    public const string OnnxMissing = "BFT430";

    /// <summary>model.onnx is truncated, foreign, or ONNX Runtime cannot load it.</summary>
    public const string OnnxUnreadable = "BFT431";

    /// <summary>The graph's inputs or outputs do not fit the classifier contract, or config.json's labels disagree with them.</summary>
    public const string OnnxContract = "BFT432";
}
