using System.Globalization;
using System.IO.Compression;
using BertFineTune.Diagnostics;

namespace BertFineTune.Data.Reading;

/// <summary>
/// Looks at an .xlsx file's zip directory before ClosedXML unpacks it: a workbook whose parts unzip to more than
/// <see cref="MaxUncompressedBytes"/>, or that compress better than <see cref="MaxCompressionRatio"/> to one (a zip bomb),
/// is refused with BFT129 before a byte is inflated, because ClosedXML holds the whole workbook in memory (about ten
/// times its XML). .NET's zip reader never inflates an entry past the size its directory declares, so the declared
/// sizes are a true bound. Also checks the parts ClosedXML needs, so a hand-made file gets a sentence, not a crash.
/// </summary>
internal static class XlsxArchiveCheck
{
    /// <summary>256 MiB of XML unzipped: about a million short rows.</summary>
    public const long MaxUncompressedBytes = 256L * 1024 * 1024;

    /// <summary>Spreadsheet XML compresses 5–30 to one; a zip bomb hundreds or thousands to one.</summary>
    public const double MaxCompressionRatio = 100;

    /// <summary>Small parts may compress better than the ratio (a blank sheet); only parts past this size are judged.</summary>
    private const long RatioFloorBytes = 1024 * 1024;

    public static void Check(Stream stream, string path, long maxUncompressedBytes = MaxUncompressedBytes)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        long total = 0;
        var hasStyles = false;
        foreach (var entry in zip.Entries)
        {
            total += entry.Length;
            hasStyles |= entry.FullName.EndsWith("styles.xml", StringComparison.OrdinalIgnoreCase);
            var ratio = entry.CompressedLength == 0 ? double.PositiveInfinity : (double)entry.Length / entry.CompressedLength;
            if (entry.Length > RatioFloorBytes && ratio > MaxCompressionRatio)
            {
                throw Refuse(
                    path,
                    $"its part '{entry.FullName}' unzips from {Mb(entry.CompressedLength)} to {Mb(entry.Length)}, {ratio.ToString("N0", CultureInfo.InvariantCulture)} times its size, "
                    + $"more than the {MaxCompressionRatio.ToString(CultureInfo.InvariantCulture)}× real spreadsheets reach (a zip bomb looks like this)");
            }

            if (total > maxUncompressedBytes)
            {
                throw Refuse(path, $"its parts unzip to more than {Mb(maxUncompressedBytes)}, the most an .xlsx may hold here");
            }
        }

        if (!hasStyles)
        {
            throw new UserErrorException(new UserError(
                DataErrorCodes.InvalidWorkbook,
                "The workbook has no styles part (xl/styles.xml), which Excel and LibreOffice always write and the .xlsx reader needs; "
                + "open the file in Excel or LibreOffice and save it again, or export the sheet as .csv.",
                path));
        }
    }

    private static UserErrorException Refuse(string path, string why) => new(new UserError(
        DataErrorCodes.WorkbookTooLarge,
        $"The workbook was not opened: {why}. Export the sheet as .csv (CSV is read as a stream, with no size limit), or split the workbook.",
        path));

    private static string Mb(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB";
}
