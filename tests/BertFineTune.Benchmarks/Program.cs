using BenchmarkDotNet.Running;

// Each suite lives in the folder of the concern it measures (Text/, Training/, Inference/ ...).
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
