using BenchmarkDotNet.Running;
using BertFineTune.Benchmarks.Inference;

// Each suite lives in the folder of the concern it measures (Text/, Training/, Inference/ ...).
// `loadtest [options]` runs the loopback HTTP load client of `bertft serve` instead of BenchmarkDotNet.
if (args is ["loadtest", .. var loadTestArgs])
{
    return await LoadTest.RunAsync(loadTestArgs);
}

// `unpad-attention [rounds]`, `unpad-pairs [batches]`, `unpad-bf16 [rounds]`, `unpad-attention-precision [rounds]`, `unpad-attention-kernel [rounds]` and `unpad-train [rounds] [steps]`: interleaved A/B measurements of unpadded execution.
if (args is ["unpad-attention", .. var attentionArgs])
{
    return await BertFineTune.Benchmarks.Unpadded.AttentionStrategies.RunAsync(attentionArgs);
}

if (args is ["unpad-pairs", .. var pairArgs])
{
    return await BertFineTune.Benchmarks.Unpadded.StepPairs.RunAsync(pairArgs);
}

if (args is ["unpad-bf16", .. var bf16Args])
{
    return await BertFineTune.Benchmarks.Unpadded.Bf16Profile.RunAsync(bf16Args);
}

if (args is ["unpad-attention-precision", .. var precisionArgs])
{
    return await BertFineTune.Benchmarks.Unpadded.PerSequenceAttentionPrecision.RunAsync(precisionArgs);
}

if (args is ["unpad-attention-kernel", .. var kernelArgs])
{
    return await BertFineTune.Benchmarks.Unpadded.PackedAttentionKernelAB.RunAsync(kernelArgs);
}

if (args is ["unpad-train", .. var trainArgs])
{
    return await BertFineTune.Benchmarks.Unpadded.TrainingAB.RunAsync(trainArgs);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
