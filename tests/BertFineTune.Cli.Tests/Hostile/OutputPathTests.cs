using System.Security.Cryptography;
using BertFineTune.Cli.Tests.Support;
using BertFineTune.Data.Reading;
using BertFineTune.Tests.Support;

namespace BertFineTune.Cli.Tests.Hostile;

/// <summary>Issue 12, items 1–3, 6 and 16: output places that cannot be written, and outputs that would destroy the input.</summary>
public class OutputPathTests
{
    private static readonly string Model = Path.Combine(RepoPaths.Fixture("tiny-bert"), "model");

    public static TheoryData<string, string> BadOutputDirs()
    {
        var data = new TheoryData<string, string>();
        foreach (var command in new[] { "train", "prepare" })
        {
            data.Add(command, "afile");
            data.Add(command, "afile/sub");
            data.Add(command, "/proc/x");
            data.Add(command, "/sys/kernel/x");
            data.Add(command, new string('x', 300));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BadOutputDirs))]
    public async Task An_output_dir_that_cannot_be_written_is_one_error_at_the_config_line(string command, string outputDir)
    {
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.File("afile"), "not a folder");
        await File.WriteAllTextAsync(temp.File("data.csv"), "text,label\nhello,a\nbye,b\nfoo,a\nbar,b\n");
        await File.WriteAllTextAsync(temp.File("config.yaml"), $"""
            base_model:
              model_id: {Model}
            dataset:
              - filepath: data.csv
            training:
              output_dir: {outputDir}
            """);

        var result = await Bertft.RunAsync(temp.Path, null, command, "config.yaml");

        var error = HostileAssert.OneError(result, "BFT041");
        Assert.StartsWith("config.yaml(6,15): error BFT041: training.output_dir:", error, StringComparison.Ordinal);
        Assert.Equal("not a folder", await File.ReadAllTextAsync(temp.File("afile")));
    }

    public static TheoryData<string, string> BadPredictOutputs() => new()
    {
        { "missing/out.csv", "does not exist" },
        { ".", "is a folder" },
        { "/proc/x.csv", "nothing can be written in /proc" },
        { "input.csv", "is the input file itself" },
        { "link.csv", "is the input file itself" },
        { "out.json", "format predict does not write" },
    };

    [Theory]
    [MemberData(nameof(BadPredictOutputs))]
    public async Task Predict_refuses_an_output_it_cannot_or_must_not_write_and_leaves_the_input_alone(string output, string expected)
    {
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.File("input.csv"), "text\nhello\nbye\n");
        File.CreateSymbolicLink(temp.File("link.csv"), temp.File("input.csv"));
        var before = SHA256.HashData(await File.ReadAllBytesAsync(temp.File("input.csv")));

        var result = await Bertft.RunAsync(temp.Path, null, "predict", "--model", Model, "--input", "input.csv", "--output", output);

        var error = HostileAssert.OneError(result, output switch { "input.csv" or "link.csv" => "BFT042", "out.json" => "BFT043", _ => "BFT041" });
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Equal(before, SHA256.HashData(await File.ReadAllBytesAsync(temp.File("input.csv"))));
    }

    [Fact]
    public async Task Predict_from_xlsx_into_the_same_xlsx_is_refused_and_into_another_xlsx_writes_a_real_workbook()
    {
        using var temp = new TempDirectory();
        var workbook = RepoPaths.Data("spamassassin", "spamassassin_b.xlsx");
        File.Copy(workbook, temp.File("mail.xlsx"));
        var before = SHA256.HashData(await File.ReadAllBytesAsync(temp.File("mail.xlsx")));

        var same = await Bertft.RunAsync(temp.Path, null, "predict", "--model", Model, "--input", "mail.xlsx", "--text-column", "email_text", "--output", "./mail.xlsx");
        HostileAssert.OneError(same, "BFT042");
        Assert.Equal(before, SHA256.HashData(await File.ReadAllBytesAsync(temp.File("mail.xlsx"))));

        var other = await Bertft.RunAsync(temp.Path, null, "predict", "--model", Model, "--input", "mail.xlsx", "--text-column", "email_text", "--output", "predictions.xlsx", "--max-length", "16");
        Assert.True(other.ExitCode == 0, other.ToString());
        using var input = await TabularReader.OpenAsync(temp.File("mail.xlsx"));
        using var written = await TabularReader.OpenAsync(temp.File("predictions.xlsx"));
        Assert.Equal([.. input.Columns, "predicted_label", "predicted_score", "prob_neg", "prob_neu", "prob_pos"], written.Columns);
        var inputRows = await input.ReadRowsAsync().ToListAsync();
        var writtenRows = await written.ReadRowsAsync().ToListAsync();
        Assert.Equal(inputRows.Count, writtenRows.Count);
        var text = input.Columns.ToList().IndexOf("email_text");
        for (var i = 0; i < inputRows.Count; i++)
        {
            Assert.Equal(inputRows[i][text], writtenRows[i][text]);
            Assert.Contains(writtenRows[i][input.Columns.Count], new[] { "neg", "neu", "pos" });
        }
    }

    [Fact]
    public async Task Evaluate_refuses_an_output_that_is_a_file_and_a_cuda_device_that_is_not_there()
    {
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.File("input.csv"), "text,labels\nhello,pos\nbye,neg\n");
        await File.WriteAllTextAsync(temp.File("report"), "mine");

        var file = await Bertft.RunAsync(temp.Path, null, "evaluate", "--model", Model, "--input", "input.csv", "--output", "report");
        Assert.Contains("is a file, not a folder", HostileAssert.OneError(file, "BFT041"), StringComparison.Ordinal);
        Assert.Equal("mine", await File.ReadAllTextAsync(temp.File("report")));

        var proc = await Bertft.RunAsync(temp.Path, null, "evaluate", "--model", Model, "--input", "input.csv", "--output", "/proc/x");
        HostileAssert.OneError(proc, "BFT041");

        if (!File.Exists("/dev/nvidiactl"))
        {
            foreach (var command in new[] { "evaluate", "predict" })
            {
                var cuda = await Bertft.RunAsync(temp.Path, null, command, "--model", Model, "--input", "input.csv", "--device", "cuda");
                Assert.Contains("CUDA is not available", HostileAssert.OneError(cuda, "BFT406"), StringComparison.Ordinal);
            }
        }
    }
}
