// BertFineTune build pipeline. Run through ./build.sh (which restores this local Cake tool first).
// Nuke is not on our package feed, so Cake plays the build-orchestrator part.
#nullable enable

var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");
var root = MakeAbsolute(Directory(".."));
var solution = root.CombineWithFilePath("BertFineTune.sln");
var artifacts = root.Combine("artifacts");
var testResults = artifacts.Combine("test-results");
var packages = artifacts.Combine("packages");
var version = System.Xml.Linq.XDocument.Load(root.CombineWithFilePath("Directory.Build.props").FullPath)
    .Descendants("Version").First().Value;

// FineTuneExample trains examples/spam/config.yaml as written (all-MiniLM-L6-v2, full epochs) unless told otherwise.
// CI trains the same config and data with the tiny-bert fixture, one epoch and short sequences: the full MiniLM run
// takes far too long on CI's 2 cores. Pass --full-example=true to CI (or false to FineTuneExample) to switch.
var fullExample = Argument("full-example", target != "CI");

// Set by Pack; Test then hands the packed feed to the integration tests instead of letting them pack again.
string? packedFeed = null;
string? installedBertft = null;

Task("Clean")
    .Does(() => CleanDirectory(artifacts));

Task("Restore")
    .Does(() => DotNetRestore(solution.FullPath));

Task("Build")
    .IsDependentOn("Restore")
    .Does(() => DotNetBuild(solution.FullPath, new DotNetBuildSettings
    {
        Configuration = configuration,
        NoRestore = true,
    }));

Task("Test")
    .IsDependentOn("Build")
    .Does(() =>
{
    CleanDirectory(testResults);
    var failed = false;
    try
    {
        var settings = new DotNetTestSettings
        {
            Configuration = configuration,
            NoBuild = true,
            NoRestore = true,
            Loggers = new[] { "trx", "console;verbosity=normal" },
            ResultsDirectory = testResults,
        };
        if (packedFeed is not null)
        {
            settings.EnvironmentVariables["BERTFT_TEST_FEED"] = packedFeed;
        }

        DotNetTest(solution.FullPath, settings);
    }
    catch (Exception)
    {
        failed = true;
    }

    // One plain summary line over every test project, in the form CI tools read.
    int passed = 0, failedCount = 0, skipped = 0;
    foreach (var trx in GetFiles(testResults.FullPath + "/**/*.trx"))
    {
        var counters = System.Xml.Linq.XDocument.Load(trx.FullPath).Descendants().First(e => e.Name.LocalName == "Counters");
        passed += int.Parse(counters.Attribute("passed")!.Value);
        failedCount += int.Parse(counters.Attribute("failed")!.Value);
        skipped += int.Parse(counters.Attribute("notExecuted")!.Value);
    }

    Console.WriteLine($"tests: {passed} passed, {failedCount} failed, {skipped} skipped");
    if (failed || failedCount > 0)
    {
        throw new Exception("Tests failed.");
    }
});

// Every packable project into artifacts/packages: bertft (a pointer package plus one package per RID, see the
// Cli project), BertFineTune.MSBuild, BertFineTune.Templates and the libraries. Not --no-build: the RID-specific
// tool packages build their own RID outputs.
Task("Pack")
    .IsDependentOn("Build")
    .Does(() =>
{
    CleanDirectory(packages);
    DotNetPack(solution.FullPath, new DotNetPackSettings
    {
        Configuration = configuration,
        NoRestore = true,
        OutputDirectory = packages,
    });
    packedFeed = packages.FullPath;
    foreach (var package in GetFiles(packages.FullPath + "/*.nupkg").OrderBy(p => p.FullPath))
    {
        Information($"{package.GetFilename()}: {new System.IO.FileInfo(package.FullPath).Length / 1048576.0:0.0} MiB");
    }
});

// Installs the packed tool into a temporary --tool-path, from artifacts/packages only, and runs `bertft --version`.
Task("InstallTool")
    .IsDependentOn("Pack")
    .Does(() =>
{
    var work = artifacts.Combine("install-tool");
    CleanDirectory(work);
    var nugetConfig = work.CombineWithFilePath("nuget.config");
    System.IO.File.WriteAllText(nugetConfig.FullPath, $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="artifacts" value="{packages.FullPath}" />
          </packageSources>
        </configuration>
        """);
    var toolPath = work.Combine("tools");
    var installCache = work.Combine("nuget-packages");
    Run("dotnet", $"tool install bertft --version {version} --tool-path \"{toolPath}\" --configfile \"{nugetConfig}\"", work,
        ("NUGET_PACKAGES", installCache.FullPath));
    // The tool path holds its own copy of the package; a private cache, where the SDK fills one, would only keep a
    // second ~0.6 GB of it.
    if (DirectoryExists(installCache))
    {
        DeleteDirectory(installCache, new DeleteDirectorySettings { Recursive = true, Force = true });
    }
    installedBertft = toolPath.CombineWithFilePath(IsRunningOnWindows() ? "bertft.exe" : "bertft").FullPath;
    var output = Run(installedBertft, "--version", work);
    if (!output.Contains($"bertft {version}"))
    {
        throw new Exception($"bertft --version did not report {version}:\n{output}");
    }
});

// Trains examples/spam/config.yaml with the installed tool and checks that metrics.json holds a test F1.
Task("FineTuneExample")
    .IsDependentOn("InstallTool")
    .Does(() =>
{
    var output = artifacts.Combine("example-output");
    CleanDirectory(output);
    var config = root.CombineWithFilePath("examples/spam/config.yaml");
    var args = $"train \"{config}\" --set \"training.output_dir={output}\"";
    if (!fullExample)
    {
        var tinyModel = root.Combine("tests/fixtures/tiny-bert/model").FullPath;
        args += $" --set \"base_model.model_id={tinyModel}\" --set hyperparameters.epochs=1 --set hyperparameters.max_length=32" +
                " --set hyperparameters.warmup_steps=0";
        Information($"Training the example with the tiny-bert fixture (CI mode; --full-example=true trains {config.GetFilename()} as written).");
    }

    Run(installedBertft!, args, root, echo: true);
    var metricsFile = output.CombineWithFilePath("metrics.json");
    if (!FileExists(metricsFile))
    {
        throw new Exception($"{metricsFile} was not written.");
    }

    using var metrics = System.Text.Json.JsonDocument.Parse(System.IO.File.ReadAllText(metricsFile.FullPath));
    var testF1 = Numbers(metrics.RootElement, "")
        .Where(n => n.Key.Contains("test", StringComparison.OrdinalIgnoreCase) && n.Key.EndsWith("f1", StringComparison.OrdinalIgnoreCase))
        .ToList();
    if (testF1.Count == 0)
    {
        throw new Exception($"{metricsFile} has no test F1.");
    }

    foreach (var (key, value) in testF1)
    {
        Information($"{key} = {value:0.####}");
    }
});

// Executes examples/notebooks/pipeline.ipynb headlessly and offline: Debian's jupyter-nbconvert and python3-nbclient
// drive the .NET Interactive kernel (Microsoft.dotnet-interactive, installed here into artifacts/ with a private
// kernelspec folder, so the user's Jupyter setup is untouched). nbconvert stops at the first failing cell.
// CI runs it only where nbconvert is installed; everywhere else the integration test NotebookTests runs the
// notebook's code as a file-based app.
Task("Notebook")
    .IsDependentOn("Pack")
    .Does(() =>
{
    if (!JupyterNbconvertAvailable())
    {
        const string Missing = "jupyter nbconvert is not installed (apt-get install jupyter-nbconvert python3-nbclient)";
        if (target == "Notebook")
        {
            throw new Exception(Missing + ".");
        }

        Warning($"Notebook skipped: {Missing}. NotebookTests ran the notebook's code as a file-based app.");
        return;
    }

    var work = artifacts.Combine("notebook");
    CleanDirectory(work);
    var tools = work.Combine("tools");
    Run("dotnet", $"tool install Microsoft.dotnet-interactive --version 1.0.712001 --tool-path \"{tools}\"", work);
    var jupyterPath = work.Combine("jupyter");
    EnsureDirectoryExists(jupyterPath.Combine("kernels"));
    Run(tools.CombineWithFilePath("dotnet-interactive").FullPath, $"jupyter install --path \"{jupyterPath.Combine("kernels")}\"", work);
    // The kernel's HTTP API listens on every interface by default; --http-local-only keeps it on loopback.
    foreach (var spec in GetFiles(jupyterPath.FullPath + "/kernels/**/kernel.json"))
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(System.IO.File.ReadAllText(spec.FullPath))!;
        var argv = json["argv"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        if (!argv.Contains("--http-local-only"))
        {
            argv.Add("--http-local-only");
        }

        json["argv"] = new System.Text.Json.Nodes.JsonArray(argv.Select(a => (System.Text.Json.Nodes.JsonNode?)System.Text.Json.Nodes.JsonValue.Create(a)).ToArray());
        System.IO.File.WriteAllText(spec.FullPath, json.ToJsonString());
    }

    var notebook = root.CombineWithFilePath("examples/notebooks/pipeline.ipynb");
    Run(
        "jupyter",
        $"nbconvert --to notebook --execute \"{notebook}\" --output \"{work.CombineWithFilePath("pipeline.out.ipynb")}\" --ExecutePreprocessor.timeout=900",
        notebook.GetDirectory(),
        echo: true,
        ("JUPYTER_PATH", jupyterPath.FullPath),
        ("PATH", tools.FullPath + System.IO.Path.PathSeparator + EnvironmentVariable("PATH")),
        // The one switch that trains the tiny fixture model (one short epoch) instead of all-MiniLM-L6-v2.
        ("BERTFT_NOTEBOOK_MODEL", root.Combine("tests/fixtures/tiny-bert/model").FullPath));
});

// What .ci/run runs: the packages, every test (the integration tests use the packed feed), the installed tool and
// the example trained with the tiny fixture model, and the notebook executed where Jupyter is installed.
Task("CI")
    .IsDependentOn("Pack")
    .IsDependentOn("Test")
    .IsDependentOn("InstallTool")
    .IsDependentOn("FineTuneExample")
    .IsDependentOn("Notebook");

RunTarget(target);

// Runs a program, fails on a non-zero exit code, and returns what it printed.
string Run(string program, string arguments, DirectoryPath workingDirectory, params (string Name, string Value)[] environment) =>
    Run(program, arguments, workingDirectory, echo: false, environment);

string Run(string program, string arguments, DirectoryPath workingDirectory, bool echo, params (string Name, string Value)[] environment)
{
    var start = new System.Diagnostics.ProcessStartInfo(program, arguments)
    {
        WorkingDirectory = workingDirectory.FullPath,
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
    };
    start.Environment["NO_COLOR"] = "1";
    foreach (var (name, value) in environment)
    {
        start.Environment[name] = value;
    }

    using var process = System.Diagnostics.Process.Start(start)!;
    var output = new System.Text.StringBuilder();
    void Collect(object sender, System.Diagnostics.DataReceivedEventArgs e)
    {
        if (e.Data is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(e.Data);
        }

        if (echo)
        {
            Console.WriteLine(e.Data);
        }
    }

    process.OutputDataReceived += Collect;
    process.ErrorDataReceived += Collect;
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    process.WaitForExit();
    if (process.ExitCode != 0)
    {
        throw new Exception($"{program} {arguments} exited with code {process.ExitCode}:\n{output}");
    }

    return output.ToString();
}

bool JupyterNbconvertAvailable()
{
    try
    {
        Run("jupyter", "nbconvert --version", root);
        return true;
    }
    catch (Exception)
    {
        return false;
    }
}

// Every number in a JSON document, by its path (test.f1, test_f1, eval.accuracy, ...).
IEnumerable<(string Key, double Value)> Numbers(System.Text.Json.JsonElement element, string path) => element.ValueKind switch
{
    System.Text.Json.JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Numbers(p.Value, path.Length == 0 ? p.Name : $"{path}.{p.Name}")),
    System.Text.Json.JsonValueKind.Array => element.EnumerateArray().SelectMany((e, i) => Numbers(e, $"{path}[{i}]")),
    System.Text.Json.JsonValueKind.Number => new[] { (path, element.GetDouble()) },
    _ => Array.Empty<(string, double)>(),
};
