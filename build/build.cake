// BertFineTune build pipeline. Run through ./build.sh (which restores this local Cake tool first).
// Nuke is not on our package feed, so Cake plays the build-orchestrator part.
#nullable enable

var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");
var root = MakeAbsolute(Directory(".."));
var solution = root.CombineWithFilePath("BertFineTune.sln");
var artifacts = root.Combine("artifacts");
var testResults = artifacts.Combine("test-results");

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
        DotNetTest(solution.FullPath, new DotNetTestSettings
        {
            Configuration = configuration,
            NoBuild = true,
            NoRestore = true,
            Loggers = new[] { "trx", "console;verbosity=normal" },
            ResultsDirectory = testResults,
        });
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

Task("Pack")
    .IsDependentOn("Build")
    .Does(() => DotNetPack(solution.FullPath, new DotNetPackSettings
    {
        Configuration = configuration,
        NoBuild = true,
        NoRestore = true,
        OutputDirectory = artifacts.Combine("packages"),
    }));

Task("CI")
    .IsDependentOn("Test");

RunTarget(target);
