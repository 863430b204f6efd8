namespace BertFineTune.Cli.Infrastructure;

/// <summary>bertft's exit codes: 0 ok, 1 failure (a bug or the environment), 2 user error (fix your input).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int UserError = 2;
}
