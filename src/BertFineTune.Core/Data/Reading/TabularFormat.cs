namespace BertFineTune.Data.Reading;

/// <summary>The file formats the readers understand, chosen by file extension.</summary>
public enum TabularFormat
{
    /// <summary><c>.csv</c> or <c>.txt</c>: delimited text, delimiter given or detected.</summary>
    Csv,

    /// <summary><c>.tsv</c>: tab-delimited text.</summary>
    Tsv,

    /// <summary><c>.jsonl</c> or <c>.ndjson</c>: one JSON object per line; the first object's keys are the columns.</summary>
    JsonLines,

    /// <summary><c>.xlsx</c> or <c>.xlsm</c>: an Excel 2007+ workbook.</summary>
    Xlsx,
}
