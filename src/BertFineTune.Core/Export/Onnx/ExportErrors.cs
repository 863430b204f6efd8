namespace BertFineTune.Export.Onnx;

/// <summary>User-error codes of <c>bertft export onnx</c> (BFT24x, in the 2xx models block).</summary>
public static class ExportErrors
{
    /// <summary>The model is not a sequence classifier of an architecture we export.</summary>
    public const string UnsupportedModel = "BFT240";

    /// <summary>An option is out of range (opset, quantization).</summary>
    public const string InvalidOption = "BFT241";

    /// <summary>The output folder holds other files, or is the model folder itself.</summary>
    public const string OutputNotEmpty = "BFT242";
}
