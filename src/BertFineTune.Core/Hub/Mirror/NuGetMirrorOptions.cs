namespace BertFineTune.Hub.Mirror;

/// <summary>
/// Where the NuGet model mirror looks: the global packages folder (<c>NUGET_PACKAGES</c>, else ~/.nuget/packages), the
/// <c>dotnet</c> executable for restores, and optional explicit sources (null: the user's NuGet.Config applies).
/// </summary>
public sealed record NuGetMirrorOptions(string GlobalPackagesFolder, string DotnetExecutable, IReadOnlyList<MirroredModel> Models, IReadOnlyList<string>? RestoreSources = null)
{
    public static NuGetMirrorOptions FromEnvironment()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrWhiteSpace(packages))
        {
            packages = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        }

        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return new NuGetMirrorOptions(packages, string.IsNullOrWhiteSpace(dotnet) ? "dotnet" : dotnet, MirroredModel.Known);
    }
}
