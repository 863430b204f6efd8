namespace BertFineTune.IO;

/// <summary>The BFT04x codes of output places: where results go, checked before any work.</summary>
public static class OutputErrorCodes
{
    /// <summary>An output folder or file cannot be created or written (a file in the way, missing folder, /proc, long name).</summary>
    public const string Unwritable = "BFT041";

    /// <summary>The output path is the input file itself (after following symbolic links): writing would destroy the input.</summary>
    public const string OutputIsInput = "BFT042";

    /// <summary>The output file's extension names a format that is not written (only .csv, .tsv, .txt and .xlsx are).</summary>
    public const string UnsupportedOutputFormat = "BFT043";
}
