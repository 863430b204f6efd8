using System.Runtime.Intrinsics;
using static TorchSharp.torch;

namespace BertFineTune.Models.Layers.PackedAttention;

/// <summary>
/// A row-major <c>[tokens, width]</c> matrix in a tensor's memory, fp32 or bf16, read into and written from fp32 spans.
/// bf16 widens exactly and narrows with round-to-nearest-even, as LibTorch's <c>.to(bfloat16)</c>, eight values at a time.
/// </summary>
/// <remarks>The address must stay valid while the rows are used: the tensor is held by the caller.</remarks>
internal readonly unsafe struct TokenRows(IntPtr data, bool bf16, long width)
{
    /// <summary>The rows of a contiguous CPU matrix <c>[tokens, width]</c> in fp32 or bf16; the tensor must outlive them.</summary>
    public static TokenRows Of(Tensor matrix)
    {
        // bytes spans the tensor's own (native, unmoving) storage, so its address stays valid after the fixed block.
        fixed (byte* data = matrix.bytes)
        {
            return new TokenRows((IntPtr)data, matrix.dtype == ScalarType.BFloat16, matrix.shape[1]);
        }
    }

    /// <summary><c>destination[c] = this[row, column + c]</c>.</summary>
    public void Read(long row, long column, Span<float> destination)
    {
        var offset = (row * width) + column;
        if (!bf16)
        {
            new ReadOnlySpan<float>((float*)data + offset, destination.Length).CopyTo(destination);
            return;
        }

        var source = (ushort*)data + offset;
        var c = 0;
        fixed (float* target = destination)
        {
            for (; c + 8 <= destination.Length; c += 8)
            {
                var half = Vector128.Load(source + c);
                var wide = Vector256.Create(Vector128.WidenLower(half), Vector128.WidenUpper(half));
                (wide << 16).AsSingle().Store(target + c);
            }
        }

        for (; c < destination.Length; c++)
        {
            destination[c] = BitConverter.Int32BitsToSingle(source[c] << 16);
        }
    }

    /// <summary><c>this[row, column + c] = source[c]</c>.</summary>
    public void Write(long row, long column, ReadOnlySpan<float> source)
    {
        var offset = (row * width) + column;
        if (!bf16)
        {
            source.CopyTo(new Span<float>((float*)data + offset, source.Length));
            return;
        }

        var target = (ushort*)data + offset;
        var c = 0;
        fixed (float* values = source)
        {
            for (; c + 8 <= source.Length; c += 8)
            {
                var value = Vector256.Load(values + c);
                var bits = value.AsUInt32();
                var rounded = bits + Vector256.Create(0x7FFFu) + ((bits >> 16) & Vector256<uint>.One);
                var nan = ~Vector256.Equals(value, value).AsUInt32();
                var high = Vector256.ConditionalSelect(nan, Vector256.Create(0x7FC00000u), rounded) >> 16;
                Vector128.Narrow(high.GetLower(), high.GetUpper()).Store(target + c);
            }
        }

        for (; c < source.Length; c++)
        {
            target[c] = ToBFloat16(source[c]);
        }
    }

    /// <summary>Round to nearest, ties to even; NaN stays a (quiet) NaN.</summary>
    public static ushort ToBFloat16(float value)
    {
        if (float.IsNaN(value))
        {
            return 0x7FC0;
        }

        var bits = (uint)BitConverter.SingleToInt32Bits(value);
        bits += 0x7FFFu + ((bits >> 16) & 1u);
        return (ushort)(bits >> 16);
    }
}
