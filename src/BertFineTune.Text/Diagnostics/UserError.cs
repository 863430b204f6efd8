namespace BertFineTune.Diagnostics;

/// <summary>How bad a <see cref="UserError"/> is.</summary>
public enum Severity
{
    Error,
    Warning,
}

/// <summary>
/// A mistake in the user's input (config, data, model folder, command line): never a bug of ours.
/// It names where (file, line, column, or config key), what is wrong and how to fix it.
/// </summary>
/// <param name="Code">A stable code, <c>BFT</c> + three digits: 0xx config, 1xx data, 2xx models/tokenizers/hub, 3xx training, 4xx inference/serve, 5xx integration.</param>
/// <param name="Message">What is wrong and what to do, in one or two sentences.</param>
/// <param name="File">The file at fault, if any.</param>
/// <param name="Line">1-based line in <paramref name="File"/>.</param>
/// <param name="Column">1-based column in <paramref name="File"/>.</param>
/// <param name="Key">The config key path, for example <c>hyperparameters.batch_size</c> or <c>dataset[1].filepath</c>.</param>
/// <param name="Severity">Errors stop the command (exit 2); warnings are printed and the command goes on.</param>
public sealed record UserError(
    string Code,
    string Message,
    string? File = null,
    int? Line = null,
    int? Column = null,
    string? Key = null,
    Severity Severity = Severity.Error)
{
    /// <summary>
    /// MSBuild's canonical form, <c>path(line,col): error BFT001: message</c>, so IDEs and CI annotate the source line.
    /// Without a file it is <c>bertft: error BFT001: message</c>.
    /// </summary>
    public override string ToString()
    {
        var level = Severity == Severity.Error ? "error" : "warning";
        var keyPart = Key is null ? string.Empty : $"{Key}: ";
        var origin = File is null
            ? "bertft"
            : Line is null ? File : Column is null ? $"{File}({Line})" : $"{File}({Line},{Column})";
        return $"{origin}: {level} {Code}: {keyPart}{Message}";
    }
}

/// <summary>Thrown when input is wrong; the CLI prints each error and exits with code 2, with no stack trace.</summary>
public sealed class UserErrorException : Exception
{
    public UserErrorException(IReadOnlyList<UserError> errors)
        : base(string.Join(Environment.NewLine, errors))
    {
        if (errors.Count == 0)
        {
            throw new ArgumentException("At least one error is required.", nameof(errors));
        }

        Errors = errors;
    }

    public UserErrorException(UserError error)
        : this([error])
    {
    }

    public UserErrorException(string code, string message, string? file = null, int? line = null, int? column = null, string? key = null)
        : this(new UserError(code, message, file, line, column, key))
    {
    }

    public IReadOnlyList<UserError> Errors { get; }
}
