namespace BertFineTune.Native;

/// <summary>LibTorch or TorchSharp's native bridge could not be loaded. The message says which library and what to do.</summary>
public sealed class TorchNativeLoadException(string message, Exception? inner = null) : Exception(message, inner);
