using BertFineTune.Cli.Tests.Support;

namespace BertFineTune.Cli.Tests.Hostile;

/// <summary>What every rejected input must look like: exit 2, exactly one canonical error line, no stack trace.</summary>
internal static class HostileAssert
{
    public static string OneError(BertftResult result, string code)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Stderr, StringComparison.Ordinal);
        var errors = result.Stderr.Split('\n').Where(line => line.Contains(": error BFT", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 1, result.ToString());
        Assert.Contains($"error {code}:", errors[0], StringComparison.Ordinal);
        return errors[0];
    }
}
