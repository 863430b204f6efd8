using System.ComponentModel;
using BertFineTune.Diagnostics;
using BertFineTune.Hub.Onnx;
using Spectre.Console.Cli;

namespace BertFineTune.Cli.Commands;

/// <summary><c>bertft models import-onnx &lt;model.onnx&gt; --vocab &lt;vocab.txt&gt; --output &lt;dir&gt;</c>.</summary>
public sealed class ModelsImportOnnxCommand : AsyncCommand<ModelsImportOnnxCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<model.onnx>")]
        [Description("The ONNX file: a torch.onnx export of an HF BertModel (inputs input_ids, attention_mask, token_type_ids).")]
        public string Model { get; init; } = string.Empty;

        [CommandOption("--vocab <VOCAB>")]
        [Description("The model's WordPiece vocab.txt (LF or CRLF).")]
        public string? Vocab { get; init; }

        [CommandOption("--output <DIR>")]
        [Description("The HF model folder to write (created if missing; files in it are replaced).")]
        public string? Output { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var errors = new List<UserError>();
        if (string.IsNullOrWhiteSpace(settings.Vocab))
        {
            errors.Add(new UserError("BFT232", "--vocab <vocab.txt> is required: the WordPiece vocabulary of the model."));
        }
        else if (!File.Exists(settings.Vocab))
        {
            errors.Add(new UserError("BFT232", "The vocabulary file does not exist; pass the model's vocab.txt with --vocab.", settings.Vocab));
        }

        if (string.IsNullOrWhiteSpace(settings.Output))
        {
            errors.Add(new UserError("BFT232", "--output <dir> is required: the folder to write the HF model into."));
        }

        if (!File.Exists(settings.Model))
        {
            errors.Add(new UserError(Hub.HubErrors.OnnxImport, "The ONNX file does not exist.", settings.Model));
        }

        if (errors.Count > 0)
        {
            throw new UserErrorException(errors);
        }

        var result = await Task.Run(() => OnnxBertImporter.Import(settings.Model, settings.Vocab!, settings.Output!), cancellationToken);
        Console.WriteLine($"Imported {settings.Model} into {result.OutputDirectory}");
        Console.WriteLine($"  BertModel: hidden {result.HiddenSize}, layers {result.NumLayers}, heads {result.NumHeads} ({result.HeadsSource}), intermediate {result.IntermediateSize}, vocab {result.VocabSize}");
        Console.WriteLine($"  {result.TensorCount} tensors in model.safetensors; config.json, vocab.txt, tokenizer_config.json, special_tokens_map.json");
        return 0;
    }
}
