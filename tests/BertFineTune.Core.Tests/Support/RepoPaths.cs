namespace BertFineTune.Tests.Support;

/// <summary>Locates the repository root and the shared data folder beside it (../shared in a checkout and in CI).</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The shared data and fixtures: <c>$BERTFT_SHARED</c>, else the <c>shared</c> folder beside the repository.</summary>
    public static string Shared
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable("BERTFT_SHARED");
            if (!string.IsNullOrEmpty(fromEnv))
            {
                return fromEnv;
            }

            var beside = Path.GetFullPath(Path.Combine(Root, "..", "shared"));
            if (!Directory.Exists(beside))
            {
                throw new DirectoryNotFoundException($"The shared data folder was not found at {beside}; set BERTFT_SHARED to its path.");
            }

            return beside;
        }
    }

    public static string Fixture(string name) => Path.Combine(Shared, "fixtures", name);

    public static string Data(params string[] parts) => Path.Combine([Shared, "data", .. parts]);

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
