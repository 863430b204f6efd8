namespace BertFineTune.Native;

/// <summary>
/// Caps oneDNN's primitive cache, where LibTorch keeps one JIT-compiled kernel per matmul shape it has run.
/// </summary>
/// <remarks>
/// bf16 matmuls go through oneDNN, and unpadded batches have a different token count almost every step, so a bf16
/// training run kept compiling and caching kernels until the default 1,024 entries were full: resident memory climbed
/// through the first epoch. Measured with all-MiniLM-L6-v2, one bf16 epoch of fortunes: peak RSS 1.50–1.56 GB with the
/// default, 1.36 GB at 512, 1.20 GB at 64; <c>bertft bench</c> speed at 512 within run-to-run noise of the default (48.7
/// and 45.6 against 45.8 and 47.0 samples/s), at 64 about 7 % slower. The cap is 128 since glibc keeps tensors below
/// 4 MB in its arenas (<see cref="GlibcAllocator"/>): three bf16 fortunes epochs then peaked at 1.68 GB with 512
/// kernels and 1.41 GB with 128, at the same speed (62.1 and 63.0 samples/s). oneDNN reads the variable
/// when it first builds a primitive, so this runs before LibTorch loads. A user's own
/// <c>ONEDNN_PRIMITIVE_CACHE_CAPACITY</c> (or the older <c>DNNL_PRIMITIVE_CACHE_CAPACITY</c>) is left as it is.
/// </remarks>
public static class OneDnnPrimitiveCache
{
    /// <summary>The cap set when the user has not chosen one.</summary>
    public const int Capacity = 128;

    private const string Variable = "ONEDNN_PRIMITIVE_CACHE_CAPACITY";

    /// <summary>Sets the cap in the native environment; false where the user chose one or this is not Linux.</summary>
    public static bool Configure() => NativeEnvironment.SetUnlessChosen(Variable, Capacity, "DNNL_PRIMITIVE_CACHE_CAPACITY");

    /// <summary>The variable as native code sees it (null where unset or not Linux).</summary>
    public static string? NativeValue() => NativeEnvironment.Get(Variable);
}
