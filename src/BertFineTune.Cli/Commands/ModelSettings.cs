using System.ComponentModel;
using BertFineTune.Diagnostics;
using BertFineTune.Inference;
using Spectre.Console.Cli;

namespace BertFineTune.Cli.Commands;

/// <summary>The options of every command that loads a trained classifier (<c>predict</c>, <c>evaluate</c>, <c>serve</c>).</summary>
public class ModelSettings : CommandSettings
{
    [CommandOption("-m|--model <MODEL>", isRequired: true)]
    [Description("A model folder (HF format, e.g. <output_dir>/model) or a Hugging Face Hub id.")]
    public string Model { get; init; } = string.Empty;

    [CommandOption("--max-length <N>")]
    [Description("Tokens per text after truncation (default: the model's limit).")]
    public int? MaxLength { get; init; }

    [CommandOption("--bf16")]
    [Description("Run the linear layers in bfloat16.")]
    public bool Bf16 { get; init; }

    [CommandOption("--threshold <P>")]
    [Description("Multi-label models: the probability a label needs to be predicted.")]
    [DefaultValue(0.5f)]
    public float Threshold { get; init; } = 0.5f;

    [CommandOption("--device <DEVICE>")]
    [Description("cpu, cuda or cuda:N.")]
    [DefaultValue("cpu")]
    public string Device { get; init; } = "cpu";

    [CommandOption("--runtime <RUNTIME>")]
    [Description("torch (TorchSharp) or onnx (ONNX Runtime). Default: onnx for a folder written by `bertft export onnx`, torch otherwise; onnx on an HF folder exports it in memory first.")]
    public string? Runtime { get; init; }

    public TextClassifierOptions ToClassifierOptions(int batchSize) => new()
    {
        Runtime = Runtime switch
        {
            null => null,
            "torch" => InferenceRuntime.Torch,
            "onnx" => InferenceRuntime.Onnx,
            _ => throw new UserErrorException("BFT407", $"--runtime must be torch or onnx (got '{Runtime}').", key: "--runtime"),
        },
        MaxLength = MaxLength,
        BatchSize = batchSize,
        UseBf16 = Bf16,
        MultiLabelThreshold = Threshold,
        Device = Device,
    };
}
