using System.Globalization;
using ClosedXML.Excel;
using ExcelNumberFormat;

namespace BertFineTune.Data.Reading;

/// <summary>
/// The text a cell shows in Excel: its value rendered with its number format (invariant culture), booleans as
/// TRUE/FALSE, formulas by their cached result. ClosedXML 0.95.4's own GetFormattedString falls back to the raw value
/// with the ExcelNumberFormat version our feed serves, so the formatting is done here with that library directly.
/// </summary>
internal static class XlsxCellText
{
    // Excel's built-in number formats by id (ECMA-376 Part 1, 18.8.30), for cells that carry an id but no format code.
    private static readonly Dictionary<int, string> BuiltIn = new()
    {
        [0] = "General",
        [1] = "0",
        [2] = "0.00",
        [3] = "#,##0",
        [4] = "#,##0.00",
        [9] = "0%",
        [10] = "0.00%",
        [11] = "0.00E+00",
        [12] = "# ?/?",
        [13] = "# ??/??",
        [14] = "yyyy-mm-dd",
        [15] = "d-mmm-yy",
        [16] = "d-mmm",
        [17] = "mmm-yy",
        [18] = "h:mm AM/PM",
        [19] = "h:mm:ss AM/PM",
        [20] = "h:mm",
        [21] = "h:mm:ss",
        [22] = "yyyy-mm-dd h:mm",
        [37] = "#,##0 ;(#,##0)",
        [38] = "#,##0 ;[Red](#,##0)",
        [39] = "#,##0.00;(#,##0.00)",
        [40] = "#,##0.00;[Red](#,##0.00)",
        [45] = "mm:ss",
        [46] = "[h]:mm:ss",
        [47] = "mmss.0",
        [48] = "##0.0E+0",
        [49] = "@",
    };

    public static string Of(IXLCell cell)
    {
        if (cell.IsEmpty())
        {
            return string.Empty;
        }

        object value;
        try
        {
            value = cell.Value;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A formula ClosedXML cannot evaluate: Excel's own last result is stored with the cell.
            return Convert.ToString(cell.CachedValue, CultureInfo.InvariantCulture) ?? string.Empty;
        }

        return value switch
        {
            string text => text,
            bool flag => flag ? "TRUE" : "FALSE",
            DateTime date => Format(cell, date, "yyyy-mm-dd" + (date.TimeOfDay == TimeSpan.Zero ? string.Empty : " hh:mm:ss")),
            TimeSpan time => Format(cell, time, "[h]:mm:ss"),
            double number => Format(cell, number, "General"),
            IConvertible convertible => Format(cell, convertible.ToDouble(CultureInfo.InvariantCulture), "General"),
            _ => cell.GetString(),
        };
    }

    private static string Format(IXLCell cell, object value, string fallback)
    {
        var numberFormat = cell.Style.NumberFormat;
        var code = !string.IsNullOrWhiteSpace(numberFormat.Format) ? numberFormat.Format
            : BuiltIn.TryGetValue(numberFormat.NumberFormatId, out var builtIn) && numberFormat.NumberFormatId != 0 ? builtIn
            : fallback;
        try
        {
            var format = new NumberFormat(code);
            if (format.IsValid)
            {
                return format.Format(value, CultureInfo.InvariantCulture);
            }
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidCastException or OverflowException)
        {
            // An exotic format code: fall through to the plain value.
        }

        return Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
    }
}
