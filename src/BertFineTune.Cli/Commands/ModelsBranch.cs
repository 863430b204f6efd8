using Spectre.Console.Cli;

namespace BertFineTune.Cli.Commands;

/// <summary><c>bertft models …</c>: commands that bring pretrained models into HF format.</summary>
public static class ModelsBranch
{
    public static void Register(IConfigurator config) =>
        config.AddBranch("models", models =>
        {
            models.SetDescription("Import pretrained models into Hugging Face format.");
            models.AddCommand<ModelsImportOnnxCommand>("import-onnx")
                .WithDescription("Turn a torch.onnx export of a BERT encoder into an HF model folder (config.json, model.safetensors, tokenizer files).")
                .WithExample("models", "import-onnx", "model.onnx", "--vocab", "vocab.txt", "--output", "models/minilm");
        });
}
