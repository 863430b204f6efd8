using System.Text;
using BertFineTune.Data;
using BertFineTune.Diagnostics;
using BertFineTune.Tests.Support;
using BertFineTune.Text.Preprocessing;

namespace BertFineTune.Tests.Data;

/// <summary>Each bad input gives exactly one user error that names the file and the line, or the columns to pick from.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Missing_file_lists_the_path_tried_and_points_at_the_config_entry()
    {
        var where = new ConfigLocation("/configs/train.yaml", 7, 15, "dataset[1].filepath");
        var error = await SingleErrorAsync(new DatasetSource("nowhere/train.csv", "text", "label", Where: where));

        Assert.Equal(DataErrorCodes.FileNotFound, error.Code);
        Assert.Equal("/configs/train.yaml", error.File);
        Assert.Equal(7, error.Line);
        Assert.Equal("dataset[1].filepath", error.Key);
        Assert.Contains(Path.Combine(_temp.Path, "nowhere", "train.csv"), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("current directory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_file_says_when_it_exists_relative_to_the_current_directory()
    {
        var cwdRelative = Path.GetRelativePath(Environment.CurrentDirectory, RepoPaths.Data("fortunes", "fortunes.csv"));
        var error = await SingleErrorAsync(new DatasetSource(cwdRelative, "quote", "topic"));

        Assert.Equal(DataErrorCodes.FileNotFound, error.Code);
        Assert.Contains(Path.GetFullPath(cwdRelative, _temp.Path), error.Message, StringComparison.Ordinal);
        Assert.Contains($"exists relative to the current directory, at '{RepoPaths.Data("fortunes", "fortunes.csv")}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_column_lists_the_available_columns_and_the_closest()
    {
        var error = await SingleErrorAsync(new DatasetSource(RepoPaths.Data("fortunes", "fortunes.csv"), "qoute", "topic"));

        Assert.Equal(DataErrorCodes.ColumnNotFound, error.Code);
        Assert.Equal(RepoPaths.Data("fortunes", "fortunes.csv"), error.File);
        Assert.Equal(1, error.Line);
        Assert.Equal("dataset[0].text_column", error.Key);
        Assert.Contains("Available columns: 'quote', 'topic'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Closest: 'quote'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("empty.csv")]
    [InlineData("empty.jsonl")]
    [InlineData("empty.xlsx")]
    public async Task Empty_file_is_an_error_naming_it(string name)
    {
        await File.WriteAllBytesAsync(_temp.File(name), []);
        var error = await SingleErrorAsync(new DatasetSource(name, "text", "label"));

        Assert.Equal(DataErrorCodes.EmptyFile, error.Code);
        Assert.Equal(_temp.File(name), error.File);
    }

    [Fact]
    public async Task Unterminated_quote_names_the_line_where_the_field_starts()
    {
        await File.WriteAllTextAsync(_temp.File("quote.csv"), "text,label\nfine,a\n\"also\nfine\",b\n\"never closed,a\nmore,b\n");
        var error = await SingleErrorAsync(new DatasetSource("quote.csv", "text", "label"));

        Assert.Equal(DataErrorCodes.MalformedCsv, error.Code);
        Assert.Equal(_temp.File("quote.csv"), error.File);
        Assert.Equal(5, error.Line);
    }

    [Fact]
    public async Task Ragged_row_names_its_line_and_both_field_counts()
    {
        await File.WriteAllTextAsync(_temp.File("ragged.csv"), "text,label\none,a\ntwo,b\nthree,c,extra\n");
        var error = await SingleErrorAsync(new DatasetSource("ragged.csv", "text", "label"));

        Assert.Equal(DataErrorCodes.RaggedRow, error.Code);
        Assert.Equal(4, error.Line);
        Assert.Contains("3 fields but the header has 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Xlsx_that_is_not_a_zip_is_an_error_naming_it()
    {
        await File.WriteAllTextAsync(_temp.File("fake.xlsx"), "text,label\nthis is csv,a\n");
        var error = await SingleErrorAsync(new DatasetSource("fake.xlsx", "text", "label"));

        Assert.Equal(DataErrorCodes.InvalidWorkbook, error.Code);
        Assert.Equal(_temp.File("fake.xlsx"), error.File);
        Assert.Contains("rename it to .csv", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Undecodable_bytes_name_the_line_and_column_and_suggest_an_encoding()
    {
        var bytes = Encoding.UTF8.GetBytes("text,label\nfine,a\nalso fine,b\n").Concat(Encoding.Latin1.GetBytes("caf\u00e9 au lait,a\n")).ToArray();
        await File.WriteAllBytesAsync(_temp.File("latin1.csv"), bytes);
        var error = await SingleErrorAsync(new DatasetSource("latin1.csv", "text", "label"));

        Assert.Equal(DataErrorCodes.UndecodableBytes, error.Code);
        Assert.Equal(_temp.File("latin1.csv"), error.File);
        Assert.Equal(4, error.Line);
        Assert.Equal(4, error.Column);
        Assert.Contains("0xE9", error.Message, StringComparison.Ordinal);
        Assert.Contains("encoding", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_right_encoding_reads_the_same_bytes()
    {
        await File.WriteAllBytesAsync(_temp.File("latin1.csv"), Encoding.Latin1.GetBytes("text;label\ncaf\u00e9 au lait;a\nna\u00efve;b\nr\u00e9sum\u00e9;b\n"));
        var data = await DataPipeline.PrepareAsync(Options(new DatasetSource("latin1.csv", "text", "label", Encoding: "latin1")) with
        {
            Split = new SplitOptions([0.5, 0.5]),
        });

        Assert.Contains(data.Train.Concat(data.Validation), e => e.Text == "caf\u00e9 au lait");
    }

    [Fact]
    public async Task Normalization_file_with_bad_json_names_its_line_and_column()
    {
        await File.WriteAllTextAsync(_temp.File("data.csv"), "text,label\nhi,a\nho,b\n");
        await File.WriteAllTextAsync(_temp.File("slang.json"), "{\n  \"u\": \"you\",\n  \"ur\" \"your\"\n}\n");
        var options = Options(new DatasetSource("data.csv", "text", "label")) with
        {
            Preprocessing = new PreprocessingOptions(NormalizationEnabled: true, NormalizationFile: "slang.json"),
        };
        var error = await SingleErrorAsync(options);

        Assert.Equal(DataErrorCodes.NormalizationInvalidJson, error.Code);
        Assert.Equal(_temp.File("slang.json"), error.File);
        Assert.Equal(3, error.Line);
        Assert.Equal(8, error.Column);
    }

    [Fact]
    public async Task Single_class_is_an_error()
    {
        await File.WriteAllTextAsync(_temp.File("one.csv"), "text,label\nhi,a\nho,a\nhey,a\n");
        var error = await SingleErrorAsync(new DatasetSource("one.csv", "text", "label"));

        Assert.Equal(DataErrorCodes.SingleClass, error.Code);
        Assert.Contains("'a'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Split_ratios_that_do_not_sum_to_one_are_an_error_at_the_config_key()
    {
        await File.WriteAllTextAsync(_temp.File("two.csv"), "text,label\nhi,a\nho,b\n");
        var options = Options(new DatasetSource("two.csv", "text", "label")) with
        {
            Split = new SplitOptions([0.8, 0.3], Where: new ConfigLocation("c.yaml", 12, 3, "training.split_ratio")),
        };
        var error = await SingleErrorAsync(options);

        Assert.Equal(DataErrorCodes.InvalidSplitRatio, error.Code);
        Assert.Equal(("c.yaml", 12), (error.File, error.Line));
        Assert.Contains("sums to 1.1", error.Message, StringComparison.Ordinal);
    }

    private DataPipelineOptions Options(DatasetSource source) => new([source], _temp.Path);

    private Task<UserError> SingleErrorAsync(DatasetSource source) => SingleErrorAsync(Options(source));

    private static async Task<UserError> SingleErrorAsync(DataPipelineOptions options)
    {
        var exception = await Assert.ThrowsAsync<UserErrorException>(() => DataPipeline.PrepareAsync(options));
        return Assert.Single(exception.Errors);
    }
}
