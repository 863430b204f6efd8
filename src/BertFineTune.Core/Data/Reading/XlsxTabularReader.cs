using BertFineTune.Diagnostics;
using ClosedXML.Excel;

namespace BertFineTune.Data.Reading;

/// <summary>
/// An Excel 2007+ worksheet through ClosedXML: the first sheet or the one named in <c>sheet:</c>. The first used row
/// names the columns; every cell arrives as the text Excel shows (numbers, booleans and dates formatted), and rows
/// with no content are skipped. ClosedXML loads the whole workbook, which an .xlsx's 1,048,576-row limit keeps bounded.
/// </summary>
internal sealed class XlsxTabularReader : ITabularReader
{
    private readonly XLWorkbook _workbook;
    private readonly IXLWorksheet _sheet;
    private readonly int _headerRow;

    private XlsxTabularReader(string path, XLWorkbook workbook, IXLWorksheet sheet, int headerRow, IReadOnlyList<string> columns)
    {
        FilePath = path;
        _workbook = workbook;
        _sheet = sheet;
        _headerRow = headerRow;
        Columns = columns;
    }

    public string FilePath { get; }

    public TabularFormat Format => TabularFormat.Xlsx;

    public IReadOnlyList<string> Columns { get; }

    public static ITabularReader Open(string path, TabularReadOptions options)
    {
        var workbook = Load(path);
        try
        {
            var sheet = PickSheet(workbook, path, options.Sheet);
            var header = sheet.FirstRowUsed();
            if (header is null)
            {
                throw new UserErrorException(new UserError(
                    DataErrorCodes.EmptyFile,
                    $"The worksheet '{sheet.Name}' is empty: it has no header row. The first used row must name the columns.",
                    path,
                    1));
            }

            var width = sheet.LastColumnUsed()?.ColumnNumber() ?? 0;
            var columns = Enumerable.Range(1, width).Select(c => XlsxCellText.Of(header.Cell(c)).Trim()).ToArray();
            return new XlsxTabularReader(path, workbook, sheet, header.RowNumber(), columns);
        }
        catch
        {
            workbook.Dispose();
            throw;
        }
    }

    /// <summary>The workbook is already in memory (ClosedXML loads it whole), so rows come synchronously.</summary>
    public IAsyncEnumerable<TabularRow> ReadRowsAsync(CancellationToken cancellationToken = default) => Rows(cancellationToken).ToAsyncEnumerable();

    private IEnumerable<TabularRow> Rows(CancellationToken cancellationToken)
    {
        foreach (var row in _sheet.RowsUsed())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var number = row.RowNumber();
            if (number <= _headerRow)
            {
                continue;
            }

            var values = new string[Columns.Count];
            var any = false;
            for (var c = 0; c < values.Length; c++)
            {
                values[c] = XlsxCellText.Of(row.Cell(c + 1));
                any |= values[c].Length > 0;
            }

            if (any)
            {
                yield return new TabularRow(number, values);
            }
        }
    }

    public void Dispose() => _workbook.Dispose();

    private static XLWorkbook Load(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (stream.Length == 0)
            {
                throw new UserErrorException(new UserError(
                    DataErrorCodes.EmptyFile,
                    "The file is empty (0 bytes); an .xlsx workbook is a zip archive. Re-export it from your spreadsheet program.",
                    path));
            }

            XlsxArchiveCheck.Check(stream, path);
            stream.Position = 0;
            return new XLWorkbook(stream);
        }
        catch (Exception e) when (e is not UserErrorException and not OperationCanceledException and not OutOfMemoryException)
        {
            // ClosedXML reports a damaged or non-zip file with several exception types (InvalidDataException, FileFormatException, ...).
            var reason = e is NullReferenceException ? "a part the workbook needs is missing or damaged" : e.Message.TrimEnd('.');
            throw new UserErrorException(new UserError(
                DataErrorCodes.InvalidWorkbook,
                $"The file is not a readable .xlsx workbook ({reason}). An .xlsx file is a zip archive saved by Excel or LibreOffice; "
                + "if this is really CSV text, rename it to .csv, and if it is an old .xls file, save it as .xlsx.",
                path));
        }
    }

    private static IXLWorksheet PickSheet(XLWorkbook workbook, string path, string? name)
    {
        if (name is null)
        {
            return workbook.Worksheets.FirstOrDefault()
                ?? throw new UserErrorException(DataErrorCodes.EmptyFile, "The workbook has no worksheets.", path);
        }

        if (workbook.Worksheets.TryGetWorksheet(name, out var sheet))
        {
            return sheet;
        }

        var names = workbook.Worksheets.Select(s => s.Name).ToArray();
        var closest = Closest.Match(name, names);
        throw new UserErrorException(new UserError(
            DataErrorCodes.SheetNotFound,
            $"The workbook has no sheet named '{name}'. Its sheets are: {string.Join(", ", names.Select(n => $"'{n}'"))}"
            + (closest is null ? "." : $"; did you mean '{closest}'?"),
            path));
    }
}
