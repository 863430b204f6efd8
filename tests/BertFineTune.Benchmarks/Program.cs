using BenchmarkDotNet.Running;
using BertFineTune.Benchmarks.Inference;

// Each suite lives in the folder of the concern it measures (Text/, Training/, Inference/ ...).
// `loadtest [options]` runs the loopback HTTP load client of `bertft serve` instead of BenchmarkDotNet.
if (args is ["loadtest", .. var loadTestArgs])
{
    return await LoadTest.RunAsync(loadTestArgs);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
