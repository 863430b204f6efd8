namespace BertFineTune.Data;

/// <summary>The stable BFT1xx codes of data errors and warnings.</summary>
public static class DataErrorCodes
{
    public const string FileNotFound = "BFT101";
    public const string UnsupportedFormat = "BFT102";
    public const string EmptyFile = "BFT103";
    public const string MalformedCsv = "BFT104";
    public const string RaggedRow = "BFT105";
    public const string UndecodableBytes = "BFT106";
    public const string UnknownEncoding = "BFT107";
    public const string InvalidWorkbook = "BFT108";
    public const string SheetNotFound = "BFT109";
    public const string ColumnNotFound = "BFT110";
    public const string InvalidJsonLine = "BFT111";
    public const string DuplicateColumn = "BFT112";
    public const string InvalidDelimiter = "BFT113";
    public const string NoRows = "BFT114";
    public const string SingleClass = "BFT115";
    public const string RareClass = "BFT116";
    public const string InvalidSplitRatio = "BFT117";
    public const string NormalizationNotFound = "BFT120";
    public const string NormalizationInvalidJson = "BFT121";
    public const string NormalizationNonString = "BFT122";
    public const string NormalizationDuplicateKey = "BFT123";
    public const string NormalizationEmptyKey = "BFT124";
    public const string InvalidLabelsFile = "BFT125";
    public const string NotRegularFile = "BFT126";
    public const string FieldTooLong = "BFT127";
    public const string LineTooLong = "BFT128";
    public const string WorkbookTooLarge = "BFT129";
    public const string LookalikeLabels = "BFT130";
}
