using BertFineTune.Diagnostics;
using BertFineTune.IO;

namespace BertFineTune.Data.Reading;

/// <summary>Opens the right <see cref="ITabularReader"/> for a file by its extension.</summary>
public static class TabularReader
{
    /// <summary>The extensions <see cref="OpenAsync"/> accepts, for messages and docs.</summary>
    public static IReadOnlyList<string> SupportedExtensions { get; } = [".csv", ".tsv", ".txt", ".jsonl", ".ndjson", ".xlsx", ".xlsm"];

    /// <summary>
    /// Opens <paramref name="path"/> and reads its header. Every problem with the file (missing, empty, not decodable,
    /// malformed) is a <see cref="UserErrorException"/> naming the file and, where it applies, the line.
    /// </summary>
    public static async Task<ITabularReader> OpenAsync(string path, TabularReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= TabularReadOptions.Default;
        var fullPath = Path.GetFullPath(path);
        if (NotRegularFile(fullPath) is string notRegular)
        {
            throw new UserErrorException(DataErrorCodes.NotRegularFile, notRegular, fullPath);
        }

        if (!File.Exists(fullPath))
        {
            throw new UserErrorException(DataErrorCodes.FileNotFound, $"The file '{fullPath}' does not exist.", fullPath);
        }

        var format = FormatOf(fullPath);
        return format switch
        {
            TabularFormat.Csv or TabularFormat.Tsv => await CsvTabularReader.OpenAsync(fullPath, format, options, cancellationToken),
            TabularFormat.JsonLines => await JsonLinesTabularReader.OpenAsync(fullPath, options, cancellationToken),
            _ => XlsxTabularReader.Open(fullPath, options),
        };
    }

    /// <summary>
    /// Why <paramref name="fullPath"/> cannot be read as data although it exists (a device such as /dev/zero, a FIFO, a
    /// socket, a symbolic-link loop), or null for a regular file or a missing one. Data files must end: an endless stream
    /// would be read forever, and opening a FIFO blocks until someone writes to it.
    /// </summary>
    public static string? NotRegularFile(string fullPath)
    {
        var kind = FileKind.Of(fullPath);
        return kind switch
        {
            FileKindValue.Regular or FileKindValue.Missing or FileKindValue.Directory => null,
            FileKindValue.LinkLoop => $"'{fullPath}' is a symbolic link that loops (following it never reaches a file); point the link at the real data file.",
            _ => $"'{fullPath}' is {FileKind.Describe(kind)}, not a regular file; data is read only from regular files, which end. Save the data to a file first and read that.",
        };
    }

    /// <summary>The format of a path by its extension, or a user error for one we do not read.</summary>
    public static TabularFormat FormatOf(string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        return extension switch
        {
            ".csv" or ".txt" => TabularFormat.Csv,
            ".tsv" or ".tab" => TabularFormat.Tsv,
            ".jsonl" or ".ndjson" => TabularFormat.JsonLines,
            ".xlsx" or ".xlsm" => TabularFormat.Xlsx,
            ".xls" => throw new UserErrorException(
                DataErrorCodes.UnsupportedFormat,
                $"'{path}' is an old binary Excel file (.xls), which is not supported; save it as .xlsx or .csv.",
                path),
            _ => throw new UserErrorException(
                DataErrorCodes.UnsupportedFormat,
                $"'{path}' has the extension '{extension}', which is not a supported data format; use one of {string.Join(", ", SupportedExtensions)}.",
                path),
        };
    }
}
