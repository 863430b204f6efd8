using System.IO.Compression;
using System.Xml.Linq;
using BertFineTune.Integration.Tests.Support;

namespace BertFineTune.Integration.Tests.Packaging;

/// <summary>bertft as users get it: packed as a RID-specific tool, installed into a tool path, run.</summary>
[Collection(PackedFeedCollection.Name)]
public sealed class ToolPackageTests(PackedFeed feed)
{
    [Fact]
    public void Pointer_package_names_the_linux_package_which_carries_the_natives()
    {
        using (var pointer = ZipFile.OpenRead(feed.Package("bertft")))
        {
            var settings = pointer.GetEntry("tools/any/any/DotnetToolSettings.xml");
            Assert.NotNull(settings);
            using var stream = settings.Open();
            var rids = XDocument.Load(stream).Descendants("RuntimeIdentifierPackage")
                .ToDictionary(e => (string)e.Attribute("RuntimeIdentifier")!, e => (string)e.Attribute("Id")!);
            Assert.Equal("bertft.linux-x64", rids["linux-x64"]);
            Assert.DoesNotContain(pointer.Entries, e => e.FullName.EndsWith(".dll", StringComparison.Ordinal));
        }

        using var linux = ZipFile.OpenRead(feed.Package("bertft.linux-x64"));
        var files = linux.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains("tools/net10.0/linux-x64/bertft.dll", files);
        Assert.Contains("tools/net10.0/linux-x64/libLibTorchSharp.so", files);
        Assert.Contains("tools/net10.0/linux-x64/libtorch_cpu.so", files);

        // Only this platform's natives: nothing for Windows or macOS.
        Assert.DoesNotContain(files, f => f.EndsWith(".dylib", StringComparison.Ordinal) || f.EndsWith("torch_cpu.dll", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Installed_tool_prints_its_version_and_runs_a_tensor_operation()
    {
        var bertft = await feed.InstallToolAsync();

        var result = await ChildProcess.RunAsync(bertft, ["--version"], Path.GetTempPath(), feed.Environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"bertft {feed.Version}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("TorchSharp 0.107.0", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("= 30", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Installed_tool_trains_a_tiny_model()
    {
        var bertft = await feed.InstallToolAsync();
        var project = feed.NewDirectory("tool-train");
        var config = TinyTrainingProject.Write(project);

        var result = await ChildProcess.RunAsync(bertft, ["train", config], project, feed.Environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        var output = Path.Combine(project, ".cache", "output");
        Assert.True(File.Exists(Path.Combine(output, "model", "model.safetensors")), result.ToString());
        Assert.True(File.Exists(Path.Combine(output, "model", "config.json")), result.ToString());
        Assert.True(File.Exists(Path.Combine(output, "metrics.json")), result.ToString());
    }
}
