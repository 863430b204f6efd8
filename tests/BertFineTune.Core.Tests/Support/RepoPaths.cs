namespace BertFineTune.Tests.Support;

/// <summary>
/// Locates the repository root and the data the tests read, all of it inside the clone: the reference fixtures in
/// <c>tests/fixtures</c> and the corpora in the examples that use them (<c>examples/fortunes</c>,
/// <c>examples/spamassassin</c>).
/// </summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The reference fixtures (<c>tests/fixtures</c>, checked by its <c>SHA256SUMS</c>).</summary>
    public static string Fixtures => Path.Combine(Root, "tests", "fixtures");

    public static string Fixture(string name) => Path.Combine(Fixtures, name);

    /// <summary>A corpus file: <c>Data("fortunes", "fortunes.csv")</c> is <c>examples/fortunes/fortunes.csv</c>.</summary>
    public static string Data(params string[] parts) => Path.Combine([Root, "examples", .. parts]);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BertFineTune.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException("BertFineTune.sln not found above the test binaries.");
    }
}
