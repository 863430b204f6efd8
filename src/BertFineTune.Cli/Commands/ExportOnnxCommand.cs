using System.ComponentModel;
using BertFineTune.Diagnostics;
using BertFineTune.Export.Onnx;
using Spectre.Console.Cli;

namespace BertFineTune.Cli.Commands;

/// <summary><c>bertft export onnx --model &lt;m&gt; --output &lt;dir&gt; [--quantize int8] [--opset N]</c>.</summary>
public sealed class ExportOnnxCommand : AsyncCommand<ExportOnnxCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-m|--model <MODEL>", isRequired: true)]
        [Description("A fine-tuned classifier: a model folder (e.g. <output_dir>/model) or a Hugging Face Hub id.")]
        public string Model { get; init; } = string.Empty;

        [CommandOption("-o|--output <DIR>", isRequired: true)]
        [Description("The folder to write model.onnx, config.json and the tokenizer files into (new, empty, or an earlier export).")]
        public string Output { get; init; } = string.Empty;

        [CommandOption("--quantize <MODE>")]
        [Description("int8: dynamic quantization of the encoder's Linear weights (per output channel). Default: none (fp32).")]
        public string? Quantize { get; init; }

        [CommandOption("--opset <N>")]
        [Description("ONNX opset, 12 to 17. Default 12: the forms ONNX Runtime's BERT attention fusion matches.")]
        [DefaultValue(OnnxExportOptions.MinOpset)]
        public int Opset { get; init; } = OnnxExportOptions.MinOpset;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var quantize = settings.Quantize switch
        {
            null or "none" => OnnxQuantization.None,
            "int8" => OnnxQuantization.Int8,
            _ => throw new UserErrorException(ExportErrors.InvalidOption, $"--quantize must be int8 (or none); got '{settings.Quantize}'.", key: "--quantize"),
        };
        var options = new OnnxExportOptions { Opset = settings.Opset, Quantize = quantize };
        var result = await OnnxExporter.ExportAsync(settings.Model, settings.Output, options, new Progress<string>(Console.Error.WriteLine), cancellationToken);
        Console.WriteLine($"Exported {result.Architecture} ({result.Labels.Count} labels: {string.Join(", ", result.Labels.Take(8))}{(result.Labels.Count > 8 ? ", ..." : string.Empty)}) to {result.OutputDirectory}");
        Console.WriteLine($"  model.onnx: {result.ModelBytes / 1048576.0:0.0} MiB, opset {options.Opset}, {(quantize == OnnxQuantization.Int8 ? "int8 weights (dynamic quantization)" : "fp32")}, {result.Nodes} nodes; inputs {string.Join(", ", result.Inputs)}; output logits");
        Console.WriteLine($"  run it: bertft predict --model {result.OutputDirectory} --input <file>   (or the BertFineTune.Inference package)");
        return 0;
    }
}
