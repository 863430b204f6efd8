using BertFineTune.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace BertFineTune.Models.Layers;

/// <summary>The activations HF's <c>ACT2FN</c> maps from <c>hidden_act</c> / <c>activation</c> names that BERT-family configs use.</summary>
public static class Activations
{
    /// <summary>The names we accept, for error messages.</summary>
    public static readonly IReadOnlyList<string> Supported = ["gelu", "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "relu", "silu", "swish", "tanh"];

    /// <summary>Returns the function for <paramref name="name"/>, or throws a user error naming the config key.</summary>
    public static Func<Tensor, Tensor> Resolve(string name, string configFile, string key) => name switch
    {
        // HF "gelu" is the exact erf form; "gelu_new"/"gelu_pytorch_tanh"/"gelu_fast" are the tanh approximation.
        "gelu" => x => nn.functional.gelu(x),
        "gelu_new" or "gelu_pytorch_tanh" or "gelu_fast" => x => nn.functional.gelu(x, TorchSharp.Modules.GELU.Approximate.tanh),
        "relu" => x => nn.functional.relu(x),
        "silu" or "swish" => x => nn.functional.silu(x),
        "tanh" => x => x.tanh(),
        _ => throw new UserErrorException(
            ModelErrors.InvalidConfigValue,
            $"unsupported activation '{name}'. Supported: {string.Join(", ", Supported)}.",
            configFile,
            key: key),
    };
}
