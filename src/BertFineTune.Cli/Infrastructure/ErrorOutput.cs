using BertFineTune.Diagnostics;

namespace BertFineTune.Cli.Infrastructure;

/// <summary>Writes user errors and warnings to stderr, one canonical line each (<c>file(line,col): error BFT0xx: message</c>).</summary>
public static class ErrorOutput
{
    public static void Write(IEnumerable<UserError> errors)
    {
        foreach (var error in errors)
        {
            Console.Error.WriteLine(error.ToString());
        }
    }
}
