using System.Globalization;
using BertFineTune.Integration.Tests.Support;

namespace BertFineTune.Integration.Tests.Packaging;

/// <summary>
/// BertFineTune.Inference as an application gets it: installed from the packed feed into a fresh console app that has
/// no TorchSharp anywhere in its dependency graph, classifying with a folder written by the installed
/// <c>bertft export onnx</c>, and agreeing with <c>bertft predict --runtime torch</c> on the same texts.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed class InferencePackageTests(PackedFeed feed)
{
    private static readonly string[] Texts =
    [
        "Hello World! This is a TEST of the Tokenizer.",
        "a short one",
        "The quick brown fox jumps over the lazy dog, again and again, until it is tired.",
    ];

    [Fact]
    public async Task A_console_app_without_TorchSharp_classifies_with_an_exported_model()
    {
        var bertft = await feed.InstallToolAsync();
        var work = feed.NewDirectory("inference-app");
        var model = Path.Combine(RepoPaths.Fixture("tiny-bert"), "model");
        var exported = Path.Combine(work, "exported");
        var export = await ChildProcess.RunAsync(bertft, ["export", "onnx", "--model", model, "--output", exported], work, feed.Environment);
        Assert.True(export.ExitCode == 0, export.ToString());

        var input = Path.Combine(work, "texts.csv");
        await File.WriteAllLinesAsync(input, ["text", .. Texts.Select(t => $"\"{t}\"")]);
        var torch = await ChildProcess.RunAsync(bertft, ["predict", "--model", model, "--input", input, "--runtime", "torch", "--logits", "--output", Path.Combine(work, "torch.csv")], work, feed.Environment);
        Assert.True(torch.ExitCode == 0, torch.ToString());

        var app = Path.Combine(work, "app");
        Directory.CreateDirectory(app);
        await WriteAppAsync(app);
        var run = await ChildProcess.DotnetAsync(app, feed.Environment, "run", "-c", "Release", "--", exported);
        Assert.True(run.ExitCode == 0, run.ToString());

        // No TorchSharp in the restored graph, and no LibTorch mapped into the process.
        var assets = await File.ReadAllTextAsync(Path.Combine(app, "obj", "project.assets.json"));
        Assert.Contains("BertFineTune.Inference/", assets, StringComparison.Ordinal);
        Assert.Contains("Microsoft.ML.OnnxRuntime/", assets, StringComparison.Ordinal);
        Assert.DoesNotContain("TorchSharp", assets, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("libtorch mapped: False", run.Stdout, StringComparison.Ordinal);

        // Same labels and logits as TorchSharp (fp32 export: within 1e-4).
        var expected = (await File.ReadAllLinesAsync(Path.Combine(work, "torch.csv"))).Skip(1).Select(ParseRow).ToArray();
        var actual = run.Stdout.Split('\n').Where(l => l.StartsWith("single ", StringComparison.Ordinal)).Select(l => l["single ".Length..].Trim()).Select(ParseRow).ToArray();
        Assert.Equal(Texts.Length, actual.Length);
        for (var i = 0; i < Texts.Length; i++)
        {
            Assert.Equal(expected[i].Label, actual[i].Label);
            Assert.All(expected[i].Logits.Zip(actual[i].Logits), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-4, run.ToString()));
        }

        Assert.Contains("pair neg|neu|pos", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("parallel ok", run.Stdout, StringComparison.Ordinal);
    }

    private static (string Label, float[] Logits) ParseRow(string line)
    {
        // torch.csv: text,predicted_label,predicted_score,prob_neg,prob_neu,prob_pos,logit_neg,logit_neu,logit_pos — the app prints label then logits.
        var cells = line.Split(',');
        var logits = cells[^3..].Select(c => float.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        var label = cells.Length > 4 ? cells[^8] : cells[0];
        return (label, logits);
    }

    private async Task WriteAppAsync(string app)
    {
        await feed.WriteNuGetConfigAsync(Path.Combine(app, "nuget.config"));

        // ONNX Runtime and Microsoft.ML.Tokenizers come from the machine's NuGet packages folder (read as a local feed).
        var config = await File.ReadAllTextAsync(Path.Combine(app, "nuget.config"));
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), config.Replace("</packageSources>", $"  <add key=\"machine-packages\" value=\"{packages}\" />\n  </packageSources>", StringComparison.Ordinal));
        await File.WriteAllTextAsync(Path.Combine(app, "app.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="BertFineTune.Inference" Version="{feed.Version}" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            using System.Globalization;
            using BertFineTune.Inference;

            string[] texts =
            [
                "Hello World! This is a TEST of the Tokenizer.",
                "a short one",
                "The quick brown fox jumps over the lazy dog, again and again, until it is tired.",
            ];
            using var classifier = OnnxTextClassifier.Load(args[0], new OnnxClassifierOptions { BatchSize = 2 });
            foreach (var text in texts)
            {
                var p = classifier.Predict(text);
                Console.WriteLine($"single {p.Label},{string.Join(",", p.Logits.Select(l => l.ToString("R", CultureInfo.InvariantCulture)))}");
            }

            var pair = classifier.Predict("first segment", "second segment");
            Console.WriteLine($"pair {string.Join("|", classifier.Labels)} {pair.Label} {pair.Score:0.000}");
            var batch = classifier.PredictBatch(texts);
            var parallel = Enumerable.Range(0, 8).AsParallel().Select(_ => classifier.PredictBatch(texts)).ToArray();
            var same = parallel.All(r => r.Select(x => x.Label).SequenceEqual(batch.Select(x => x.Label)));
            Console.WriteLine(same ? "parallel ok" : "parallel differs");
            var maps = OperatingSystem.IsLinux() ? File.ReadAllText("/proc/self/maps") : string.Empty;
            Console.WriteLine($"libtorch mapped: {maps.Contains("libtorch", StringComparison.Ordinal)}");
            Console.WriteLine($"TorchSharp loaded: {AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "TorchSharp")}");
            """);
    }
}
