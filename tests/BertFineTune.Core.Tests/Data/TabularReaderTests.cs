using System.Text;
using BertFineTune.Data;
using BertFineTune.Data.Reading;
using BertFineTune.Diagnostics;
using BertFineTune.Tests.Support;
using ClosedXML.Excel;

namespace BertFineTune.Tests.Data;

public sealed class TabularReaderTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(";", "text;label\n\"hello, world\";a\n\"x; y\";b\n")]
    [InlineData("\t", "text\tlabel\n\"hello, world\"\ta\n\"x; y\"\tb\n")]
    [InlineData("|", "text|label\n\"hello, world\"|a\n\"x; y\"|b\n")]
    [InlineData(",", "text,label\n\"hello, world\",a\n\"x; y\",b\n")]
    public async Task The_delimiter_is_detected_with_quotes_respected(string delimiter, string content)
    {
        await File.WriteAllTextAsync(_temp.File("d.csv"), content);
        var rows = await ReadAsync("d.csv");
        Assert.Equal([["hello, world", "a"], ["x; y", "b"]], rows.Select(r => r.Values.ToArray()));
        Assert.NotNull(delimiter);
    }

    [Fact]
    public async Task A_given_delimiter_wins_over_detection()
    {
        await File.WriteAllTextAsync(_temp.File("d.csv"), "a;b,c\n1;2,3\n");
        using var reader = await TabularReader.OpenAsync(_temp.File("d.csv"), new TabularReadOptions(Delimiter: ";"));
        Assert.Equal(["a", "b,c"], reader.Columns);
    }

    [Fact]
    public async Task Quoted_multi_line_fields_a_bom_and_line_numbers()
    {
        var text = "\uFEFFtext,label\r\n\"first line\r\nsecond \"\"quoted\"\" line\",a\r\n\r\nplain,b\r\n";
        await File.WriteAllBytesAsync(_temp.File("m.csv"), Encoding.UTF8.GetBytes(text));
        using var reader = await TabularReader.OpenAsync(_temp.File("m.csv"));
        var rows = await reader.ReadRowsAsync().ToListAsync();

        Assert.Equal(["text", "label"], reader.Columns);
        Assert.Equal("first line\r\nsecond \"quoted\" line", rows[0][0]);
        Assert.Equal([2, 5], rows.Select(r => r.Line));
    }

    [Fact]
    public async Task Tsv_is_always_tab_separated()
    {
        await File.WriteAllTextAsync(_temp.File("t.tsv"), "text\tlabel\na, b; c | d\tx\n");
        var rows = await ReadAsync("t.tsv");
        Assert.Equal(["a, b; c | d", "x"], rows.Single().Values);
    }

    [Fact]
    public async Task Jsonl_values_arrive_as_text_and_missing_keys_as_empty()
    {
        await File.WriteAllLinesAsync(_temp.File("j.jsonl"), [
            "{\"text\": \"hi\", \"label\": 1, \"ok\": true, \"tags\": [\"a\", \"b\"]}",
            string.Empty,
            "{\"text\": \"no label\", \"ok\": null}",
        ]);
        using var reader = await TabularReader.OpenAsync(_temp.File("j.jsonl"));
        var rows = await reader.ReadRowsAsync().ToListAsync();

        Assert.Equal(["text", "label", "ok", "tags"], reader.Columns);
        Assert.Equal(["hi", "1", "true", "a|b"], rows[0].Values);
        Assert.Equal(["no label", string.Empty, string.Empty, string.Empty], rows[1].Values);
        Assert.Equal([1, 3], rows.Select(r => r.Line));
    }

    [Fact]
    public async Task Jsonl_with_a_broken_line_names_that_line()
    {
        await File.WriteAllLinesAsync(_temp.File("j.jsonl"), ["{\"text\": \"a\", \"label\": \"x\"}", "{\"text\": \"b\", \"label\": }"]);
        using var reader = await TabularReader.OpenAsync(_temp.File("j.jsonl"));
        var exception = await Assert.ThrowsAsync<UserErrorException>(async () => await reader.ReadRowsAsync().ToListAsync());
        var error = Assert.Single(exception.Errors);
        Assert.Equal((DataErrorCodes.InvalidJsonLine, 2), (error.Code, error.Line));
    }

    [Fact]
    public async Task Xlsx_cells_arrive_as_displayed_text_from_the_named_sheet_and_empty_rows_are_skipped()
    {
        using (var workbook = new XLWorkbook())
        {
            workbook.AddWorksheet("Notes").Cell(1, 1).Value = "not this one";
            var sheet = workbook.AddWorksheet("Reviews");
            sheet.Cell(1, 1).Value = "text";
            sheet.Cell(1, 2).Value = "score";
            sheet.Cell(1, 3).Value = "when";
            sheet.Cell(1, 4).Value = "liked";
            sheet.Cell(2, 1).Value = "good";
            sheet.Cell(2, 2).Value = 4.5;
            sheet.Cell(2, 2).Style.NumberFormat.Format = "0.00";
            sheet.Cell(2, 3).Value = new DateTime(2024, 3, 9);
            sheet.Cell(2, 3).Style.NumberFormat.Format = "yyyy-mm-dd";
            sheet.Cell(2, 4).Value = true;
            sheet.Cell(4, 1).Value = "after a gap";
            sheet.Cell(4, 2).Value = 3;
            workbook.SaveAs(_temp.File("r.xlsx"));
        }

        using var reader = await TabularReader.OpenAsync(_temp.File("r.xlsx"), new TabularReadOptions(Sheet: "Reviews"));
        var rows = await reader.ReadRowsAsync().ToListAsync();

        Assert.Equal(["text", "score", "when", "liked"], reader.Columns);
        Assert.Equal(["good", "4.50", "2024-03-09", "TRUE"], rows[0].Values);
        Assert.Equal(["after a gap", "3", string.Empty, string.Empty], rows[1].Values);
        Assert.Equal([2, 4], rows.Select(r => r.Line));

        var exception = await Assert.ThrowsAsync<UserErrorException>(() => TabularReader.OpenAsync(_temp.File("r.xlsx"), new TabularReadOptions(Sheet: "Review")));
        Assert.Contains("did you mean 'Reviews'", Assert.Single(exception.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unsupported_extensions_are_named()
    {
        await File.WriteAllTextAsync(_temp.File("data.parquet"), "x");
        var exception = await Assert.ThrowsAsync<UserErrorException>(() => TabularReader.OpenAsync(_temp.File("data.parquet")));
        Assert.Equal(DataErrorCodes.UnsupportedFormat, Assert.Single(exception.Errors).Code);
    }

    [Fact]
    public async Task A_byte_order_mark_wins_over_the_default_encoding()
    {
        await File.WriteAllBytesAsync(_temp.File("u16.csv"), [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("text,label\nпривет мир,a\n")]);
        var rows = await ReadAsync("u16.csv");
        Assert.Equal(["привет мир", "a"], rows.Single().Values);
    }

    [Fact]
    public async Task Xlsx_formulas_arrive_as_their_results()
    {
        using (var workbook = new XLWorkbook())
        {
            var sheet = workbook.AddWorksheet("S");
            sheet.Cell(1, 1).Value = "text";
            sheet.Cell(1, 2).Value = "label";
            sheet.Cell(2, 1).FormulaA1 = "CONCATENATE(\"good \", \"day\")";
            sheet.Cell(2, 2).FormulaA1 = "1+1";
            workbook.SaveAs(_temp.File("f.xlsx"));
        }

        var rows = await ReadAsync("f.xlsx");
        Assert.Equal(["good day", "2"], rows.Single().Values);
    }

    [Fact]
    public async Task Reading_stops_when_cancelled()
    {
        await File.WriteAllLinesAsync(_temp.File("c.csv"), ["text,label", .. Enumerable.Range(0, 100).Select(i => $"row {i},a")]);
        using var reader = await TabularReader.OpenAsync(_temp.File("c.csv"));
        using var cancel = new CancellationTokenSource();
        var read = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var row in reader.ReadRowsAsync(cancel.Token))
            {
                if (++read == 10)
                {
                    await cancel.CancelAsync();
                }
            }
        });
        Assert.Equal(10, read);
    }

    private async Task<List<TabularRow>> ReadAsync(string name)
    {
        using var reader = await TabularReader.OpenAsync(_temp.File(name));
        Assert.Equal(2, reader.Columns.Count);
        return await reader.ReadRowsAsync().ToListAsync();
    }
}
