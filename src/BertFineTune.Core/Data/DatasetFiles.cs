using BertFineTune.Diagnostics;

namespace BertFineTune.Data;

/// <summary>Finds a dataset file: <c>filepath</c> is relative to the config file's folder.</summary>
public static class DatasetFiles
{
    /// <summary>
    /// The absolute path of <paramref name="source"/>'s file, or a user error that lists the paths tried and says so
    /// when the file exists relative to the current directory instead (the usual mistake).
    /// </summary>
    public static string Resolve(DatasetSource source, string baseDirectory)
    {
        var configFolder = Path.GetFullPath(baseDirectory);
        var path = Path.GetFullPath(source.FilePath, configFolder);
        var notRegular = Reading.TabularReader.NotRegularFile(path);
        if (notRegular is null && File.Exists(path))
        {
            return path;
        }

        var fromCurrent = Path.GetFullPath(source.FilePath);
        var message = notRegular is not null ? notRegular
            : Directory.Exists(path)
            ? $"The dataset file '{path}' is a folder, not a file; point filepath at a .csv, .tsv, .jsonl or .xlsx file."
            : $"The dataset file was not found. Tried: '{path}' (filepath is relative to the config file's folder, '{configFolder}').";
        if (notRegular is null && !Path.IsPathRooted(source.FilePath) && fromCurrent != path && File.Exists(fromCurrent))
        {
            message += $" The file exists relative to the current directory, at '{fromCurrent}'; write filepath relative to the config file's folder, or as an absolute path.";
        }

        var where = source.Where;
        throw new UserErrorException(new UserError(
            notRegular is null ? DataErrorCodes.FileNotFound : DataErrorCodes.NotRegularFile,
            message,
            where?.ConfigFile ?? path,
            where?.Line,
            where?.Column,
            where?.KeyPath));
    }
}
