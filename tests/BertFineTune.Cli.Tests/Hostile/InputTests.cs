using System.Diagnostics;
using BertFineTune.Cli.Tests.Support;
using BertFineTune.Tests.Support;

namespace BertFineTune.Cli.Tests.Hostile;

/// <summary>Issue 12, items 4, 6, 11, 17, 21 and 22: data and model paths that are not what they seem.</summary>
public class InputTests
{
    private static readonly string Model = Path.Combine(RepoPaths.Fixture("tiny-bert"), "model");

    private static async Task<string> ConfigAsync(TempDirectory temp, string dataPath)
    {
        await File.WriteAllTextAsync(temp.File("config.yaml"), $"""
            base_model:
              model_id: {Model}
            dataset:
              - filepath: {dataPath}
            training:
              output_dir: out
            """);
        return "config.yaml";
    }

    [Fact]
    public async Task A_dataset_path_that_is_a_symlink_loop_is_one_error_at_its_config_line()
    {
        using var temp = new TempDirectory();
        File.CreateSymbolicLink(temp.File("a.csv"), "b.csv");
        File.CreateSymbolicLink(temp.File("b.csv"), "a.csv");

        var result = await Bertft.RunAsync(temp.Path, null, "prepare", await ConfigAsync(temp, "a.csv"));

        var error = HostileAssert.OneError(result, "BFT126");
        Assert.StartsWith("config.yaml(4,15): error BFT126: dataset[0].filepath:", error, StringComparison.Ordinal);
        Assert.Contains("symbolic link that loops", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endless_and_blocking_data_paths_are_refused_before_they_are_opened()
    {
        using var temp = new TempDirectory();
        var zero = await Bertft.RunAsync(temp.Path, null, "prepare", await ConfigAsync(temp, "/dev/zero"));
        Assert.Contains("is a character device, not a regular file", HostileAssert.OneError(zero, "BFT126"), StringComparison.Ordinal);

        var predict = await Bertft.RunAsync(temp.Path, null, "predict", "--model", Model, "--input", "/dev/zero");
        HostileAssert.OneError(predict, "BFT126");

        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            // Nobody ever writes to this FIFO: opening it would block forever, so finishing at all proves it was not opened.
            using (var mkfifo = Process.Start("mkfifo", [temp.File("pipe.csv")]))
            {
                await mkfifo.WaitForExitAsync();
                Assert.Equal(0, mkfifo.ExitCode);
            }

            var fifo = await Bertft.RunAsync(temp.Path, null, "prepare", await ConfigAsync(temp, "pipe.csv"));
            Assert.Contains("is a FIFO (named pipe)", HostileAssert.OneError(fifo, "BFT126"), StringComparison.Ordinal);
            var config = await Bertft.RunAsync(temp.Path, null, "validate", "pipe.csv");
            HostileAssert.OneError(config, "BFT010");
        }
    }

    [Fact]
    public async Task Evaluate_names_a_header_only_input_and_the_rows_with_empty_labels()
    {
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.File("header.csv"), "text,labels\n");
        await File.WriteAllTextAsync(temp.File("gaps.csv"), "text,labels\nhello,pos\nbye,\nfoo,neg\nbar,\n");

        var header = await Bertft.RunAsync(temp.Path, null, "evaluate", "--model", Model, "--input", "header.csv");
        Assert.Contains("no data rows", HostileAssert.OneError(header, "BFT423"), StringComparison.Ordinal);

        var gaps = await Bertft.RunAsync(temp.Path, null, "evaluate", "--model", Model, "--input", "gaps.csv");
        var error = HostileAssert.OneError(gaps, "BFT424");
        Assert.StartsWith("gaps.csv(3): error BFT424: 2 rows have an empty label", error, StringComparison.Ordinal);
        Assert.Contains("at lines 3, 5", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_on_empty_or_binary_standard_input_says_stdin_and_never_a_temp_file()
    {
        var empty = await Bertft.RunAsync(null, string.Empty, "predict", "--model", Model, "--input", "-");
        var error = HostileAssert.OneError(empty, "BFT103");
        Assert.StartsWith("<stdin>: error BFT103: Standard input is empty", error, StringComparison.Ordinal);

        var bytes = new byte[4096];
        new Random(12).NextBytes(bytes);
        bytes[0] = 0xC3; // a lead byte without its continuation: never valid UTF-8
        bytes[1] = 0x28;
        var binary = await Bertft.RunWithBytesAsync(null, bytes, "predict", "--model", Model, "--input", "-");
        error = HostileAssert.OneError(binary, "BFT106");
        Assert.StartsWith("<stdin>(1,1): error BFT106:", error, StringComparison.Ordinal);
        Assert.DoesNotContain("bertft-stdin", binary.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Available columns", binary.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_model_folder_without_config_json_says_so(bool withVocab)
    {
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.File("input.csv"), "text\nhello\n");
        Directory.CreateDirectory(temp.File("model"));
        if (withVocab)
        {
            File.Copy(Path.Combine(Model, "vocab.txt"), temp.File("model/vocab.txt"));
        }

        var result = await Bertft.RunAsync(temp.Path, null, "predict", "--model", "model", "--input", "input.csv");

        var error = HostileAssert.OneError(result, "BFT210");
        Assert.Contains("no config.json in", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unknown tokenizer", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Labels_that_differ_only_by_invisible_characters_are_a_warning_that_shows_them()
    {
        using var temp = new TempDirectory();
        var rows = Enumerable.Range(0, 30).Select(i => $"text number {i},{(i % 3) switch { 0 => "spam", 1 => "spam\u200b", _ => "ham" }}");
        await File.WriteAllTextAsync(temp.File("data.csv"), "text,label\n" + string.Join('\n', rows) + "\n");

        var result = await Bertft.RunAsync(temp.Path, null, "prepare", await ConfigAsync(temp, "data.csv"));

        Assert.True(result.ExitCode == 0, result.ToString());
        var warning = Assert.Single(result.Stderr.Split('\n'), line => line.Contains("warning BFT130", StringComparison.Ordinal));
        Assert.Contains("'spam' and 'spam\\u200B'", warning, StringComparison.Ordinal);
    }
}
