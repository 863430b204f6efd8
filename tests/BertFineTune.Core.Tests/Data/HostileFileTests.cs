using System.IO.Compression;
using System.Text;
using BertFineTune.Data;
using BertFineTune.Data.Reading;
using BertFineTune.Diagnostics;
using BertFineTune.Tests.Support;
using ClosedXML.Excel;

namespace BertFineTune.Tests.Data;

/// <summary>
/// Issue 12, items 10, 11 and 20: files built to exhaust memory. The files are huge but sparse (the OS stores no zeros),
/// so a reader that read them whole would need gigabytes; each test proves the reader stopped at its limit because it
/// finishes with the limit's error and allocates a small, fixed amount, whatever the file's size.
/// </summary>
[Collection(AllocationMeasured.Name)]
public sealed class HostileFileTests : IDisposable
{
    private const long SparseBytes = 3L * 1024 * 1024 * 1024;
    private const long AllocationBound = 512L * 1024 * 1024;

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_3_GB_csv_field_stops_at_the_field_limit_naming_the_row()
    {
        var path = Sparse("field.csv", "text,label\nshort,a\n");
        var (error, allocated) = await ReadAllAsync(path);

        Assert.Equal(DataErrorCodes.FieldTooLong, error.Code);
        Assert.Equal(3, error.Line);
        Assert.Equal(path, error.File);
        Assert.Contains("longer than 4,194,304 characters", error.Message, StringComparison.Ordinal);
        Assert.InRange(allocated, 0, AllocationBound);
    }

    [Fact]
    public async Task A_row_of_many_fields_under_the_field_limit_stops_at_the_row_limit()
    {
        var field = new string('a', (ReadLimits.DefaultMaxFieldChars * 7) / 8);
        var header = "a,b,c,d,e\n";
        var row = string.Join(',', Enumerable.Repeat(field, 5));
        await File.WriteAllTextAsync(_temp.File("line.csv"), header + "1,2,3,4,5\n" + row + "\n");

        var (error, allocated) = await ReadAllAsync(_temp.File("line.csv"));

        Assert.Equal(DataErrorCodes.LineTooLong, error.Code);
        Assert.Equal(3, error.Line);
        Assert.Contains("longer than 16,777,216 characters", error.Message, StringComparison.Ordinal);
        Assert.InRange(allocated, 0, AllocationBound);
    }

    [Fact]
    public async Task A_3_GB_json_line_stops_at_the_row_limit()
    {
        var path = Sparse("endless.jsonl", "{\"text\": \"a\", \"label\": \"b\"}\n");
        var (error, allocated) = await ReadAllAsync(path);

        Assert.Equal(DataErrorCodes.LineTooLong, error.Code);
        Assert.Equal(2, error.Line);
        Assert.InRange(allocated, 0, AllocationBound);
    }

    [Fact]
    public async Task An_xlsx_zip_bomb_is_refused_from_its_directory_before_anything_is_inflated()
    {
        var path = _temp.File("bomb.xlsx");
        Workbook(path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            zip.GetEntry("xl/worksheets/sheet1.xml")!.Delete();
            var entry = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.SmallestSize);
            await using var sheet = new StreamWriter(entry.Open(), new UTF8Encoding(false));
            await sheet.WriteAsync("<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
                + "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>text</t></is></c></row><row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>");
            var chunk = new string('a', 1 << 20);
            for (var i = 0; i < 64; i++)
            {
                await sheet.WriteAsync(chunk);
            }

            await sheet.WriteAsync("</t></is></c></row></sheetData></worksheet>");
        }

        Assert.InRange(new FileInfo(path).Length, 0, 2 * 1024 * 1024);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var error = await Assert.ThrowsAsync<UserErrorException>(() => TabularReader.OpenAsync(path));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        var only = Assert.Single(error.Errors);
        Assert.Equal(DataErrorCodes.WorkbookTooLarge, only.Code);
        Assert.Equal(path, only.File);
        Assert.Contains("'xl/worksheets/sheet1.xml' unzips from", only.Message, StringComparison.Ordinal);
        Assert.InRange(allocated, 0, 16 * 1024 * 1024);
    }

    [Fact]
    public void The_uncompressed_total_is_capped_from_the_zip_directory()
    {
        var workbook = RepoPaths.Data("spamassassin", "spamassassin_b.xlsx");
        using var stream = File.OpenRead(workbook);
        XlsxArchiveCheck.Check(stream, workbook);

        stream.Position = 0;
        var error = Assert.Throws<UserErrorException>(() => XlsxArchiveCheck.Check(stream, workbook, maxUncompressedBytes: 1024 * 1024));
        Assert.Equal(DataErrorCodes.WorkbookTooLarge, error.Errors[0].Code);
        Assert.Contains("unzip to more than 1.0 MiB", error.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_workbook_without_a_styles_part_says_which_part_is_missing()
    {
        var path = _temp.File("nostyles.xlsx");
        Workbook(path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            zip.GetEntry("xl/styles.xml")!.Delete();
        }

        var error = await Assert.ThrowsAsync<UserErrorException>(() => TabularReader.OpenAsync(path));

        Assert.Equal(DataErrorCodes.InvalidWorkbook, error.Errors[0].Code);
        Assert.Contains("no styles part (xl/styles.xml)", error.Errors[0].Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Object reference", error.Errors[0].Message, StringComparison.Ordinal);
    }

    /// <summary>A file of <paramref name="head"/> followed by 3 GiB of zero bytes (NUL characters, valid UTF-8) that takes no disk space.</summary>
    private string Sparse(string name, string head)
    {
        var path = _temp.File(name);
        using var file = new FileStream(path, FileMode.CreateNew);
        file.Write(Encoding.UTF8.GetBytes(head));
        file.SetLength(file.Length + SparseBytes);
        return path;
    }

    private static async Task<(UserError Error, long Allocated)> ReadAllAsync(string path)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var thrown = await Assert.ThrowsAsync<UserErrorException>(async () =>
        {
            using var reader = await TabularReader.OpenAsync(path);
            await foreach (var row in reader.ReadRowsAsync())
            {
                Assert.NotNull(row);
            }
        });
        return (Assert.Single(thrown.Errors), GC.GetTotalAllocatedBytes(precise: true) - before);
    }

    private static void Workbook(string path)
    {
        using var workbook = new XLWorkbook();
        var sheet = workbook.AddWorksheet("data");
        sheet.Cell(1, 1).Value = "text";
        sheet.Cell(1, 2).Value = "label";
        sheet.Cell(2, 1).Value = "hello";
        sheet.Cell(2, 2).Value = "a";
        workbook.SaveAs(path);
    }
}

/// <summary>Tests that count the process's allocations run alone, so no other test's allocations are counted with theirs.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationMeasured
{
    public const string Name = "Allocation measured";
}
