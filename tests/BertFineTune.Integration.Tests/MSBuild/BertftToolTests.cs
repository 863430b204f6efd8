using BertFineTune.MSBuild;

namespace BertFineTune.Integration.Tests.MSBuild;

/// <summary>How the FineTune task finds bertft: explicit path, then a local tool manifest, then a global tool.</summary>
public sealed class BertftToolTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public void Explicit_path_wins_as_a_file_or_as_its_folder()
    {
        var exe = Touch("custom", ExecutableName);
        WriteManifest(_dir.Path, listsBertft: true);

        Assert.Equal(exe, BertftTool.Find(exe, _dir.Path, Env())!.FileName);
        Assert.Equal(exe, BertftTool.Find(Path.GetDirectoryName(exe), _dir.Path, Env())!.FileName);
        Assert.Null(BertftTool.Find(Path.Combine(_dir.Path, "missing"), _dir.Path, Env()));
    }

    [Fact]
    public void A_manifest_up_the_tree_that_lists_bertft_runs_dotnet_bertft()
    {
        WriteManifest(_dir.Path, listsBertft: true, inConfigFolder: true);
        var project = Directory.CreateDirectory(Path.Combine(_dir.Path, "src", "App")).FullName;

        var tool = BertftTool.Find(null, project, Env(("DOTNET_HOST_PATH", Touch("host", "dotnet"))));

        Assert.NotNull(tool);
        Assert.Equal(Path.Combine(_dir.Path, "host", "dotnet"), tool.FileName);
        Assert.Equal(["bertft"], tool.PrefixArguments);
    }

    [Fact]
    public void A_root_manifest_without_bertft_ends_the_search_and_a_global_tool_is_used()
    {
        WriteManifest(_dir.Path, listsBertft: true);
        var inner = Directory.CreateDirectory(Path.Combine(_dir.Path, "inner")).FullName;
        WriteManifest(inner, listsBertft: false);
        var global = Touch("global-tools", ExecutableName);

        var tool = BertftTool.Find(null, inner, Env(("PATH", Path.GetDirectoryName(global)!)));

        Assert.NotNull(tool);
        Assert.Equal(global, tool.FileName);
        Assert.Empty(tool.PrefixArguments);
    }

    [Fact]
    public void Nothing_found_is_null()
    {
        Assert.Null(BertftTool.Find(null, _dir.Path, Env(("PATH", _dir.Path), ("HOME", _dir.Path))));
    }

    public void Dispose() => _dir.Dispose();

    private static string ExecutableName => OperatingSystem.IsWindows() ? "bertft.exe" : "bertft";

    private static Func<string, string?> Env(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;

    private string Touch(string folder, string name)
    {
        var path = Path.Combine(_dir.Path, folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, string.Empty);
        return path;
    }

    private static void WriteManifest(string dir, bool listsBertft, bool inConfigFolder = false)
    {
        var folder = inConfigFolder ? Directory.CreateDirectory(Path.Combine(dir, ".config")).FullName : dir;
        var tool = listsBertft ? "bertft" : "cake.tool";
        File.WriteAllText(Path.Combine(folder, "dotnet-tools.json"), $$"""
            { "version": 1, "isRoot": true, "tools": { "{{tool}}": { "version": "1.0.0", "commands": [ "x" ] } } }
            """);
    }
}
